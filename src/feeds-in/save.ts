// The save step: items become articles through the article service (which tells the feed caches, once
// per batch), deduplicated by (partner, item id) or canonical link. Items arrive ready (read.ts, in the
// parse worker): bodies sanitized by the article rules, content hashed; this step only looks up and writes.
// Content unchanged since the last pull: nothing is written. A pull's items are saved as one batch.
import type { Partner } from "#src/model.js";
import type { ReadyItem } from "#src/feeds-in/item.js";
import type { PartnerItemRecord } from "#src/store/partner-items.js";
import { slugify } from "#src/slug.js";
import { hash } from "#src/feeds-in/hash.js";

/** The writes of one batch, all in one transaction (satisfied by the article service and the store). */
export interface BatchWriter {
  /** The stored entry of each key: by item id, else by canonical link (a re-issued guid). */
  findItems(partner: string, keys: { itemId: string; link: string | null }[]): Promise<(PartnerItemRecord | undefined)[]>;
  /** The source of each of these slugs that has an article. */
  articleSources(slugs: string[]): Promise<Map<string, string>>;
  /** Saves articles with distinct slugs, bodies already sanitized by the article rules; an invalid one is refused alone (`{ error }`). */
  saveArticles(inputs: Record<string, unknown>[], source: string): Promise<({ changed: boolean } | { error: unknown })[]>;
  recordItems(partner: string, entries: { record: PartnerItemRecord; matchedId?: string | undefined }[], now: string): Promise<void>;
}

/** The save step's one need: a batch of writes kept or dropped together, announced once it is kept. */
export interface SavePort {
  saveBatch<T>(work: (writer: BatchWriter) => Promise<T>): Promise<T>;
}

/** What saving one partner item did: counted per pull in its report; `{ error }` when it was refused. */
export type ItemOutcome = "new" | "updated" | "unchanged";
export type ItemSaved = ItemOutcome | { error: unknown };

/**
 * Saves a pull's items in one transaction: a few statements for the lot rather than a dozen per item.
 * An item that repeats an earlier one's id, link or slug waits for a later round inside the same
 * transaction, so it sees what the earlier one wrote, exactly as when items are saved one by one.
 * A store failure throws, and nothing of the batch is kept.
 */
export async function saveItems(port: SavePort, partner: Pick<Partner, "slug">, items: ReadyItem[], fetchedAt: Date): Promise<ItemSaved[]> {
  const outcomes: ItemSaved[] = items.map(() => "unchanged");
  if (!items.length) return outcomes;
  return port.saveBatch(async (writer) => {
    let pending = items.map((item, index) => ({ item, index }));
    while (pending.length) pending = await saveRound(writer, partner.slug, pending, fetchedAt, outcomes);
    return outcomes;
  });
}

type Pending = { item: ReadyItem; index: number };

/** Saves the items of `pending` that repeat nothing before them; returns the others. */
async function saveRound(writer: BatchWriter, partner: string, pending: Pending[], fetchedAt: Date, outcomes: ItemSaved[]): Promise<Pending[]> {
  const later: Pending[] = [];
  const seen = new Set<string>();
  const round: Pending[] = [];
  for (const entry of pending) {
    const keys = [`id:${entry.item.itemId}`, ...(entry.item.uniqueLink && entry.item.link ? [`link:${entry.item.link}`] : [])];
    if (keys.some((k) => seen.has(k))) later.push(entry);
    else round.push(entry);
    for (const k of keys) seen.add(k);
  }
  const found = await writer.findItems(
    partner,
    round.map(({ item }) => ({ itemId: item.itemId, link: item.uniqueLink ? item.link : null })),
  );
  const changed: (Pending & { existing: PartnerItemRecord | undefined })[] = [];
  for (const [n, entry] of round.entries()) {
    const existing = found[n];
    if (existing && existing.contentHash === entry.item.contentHash) outcomes[entry.index] = "unchanged";
    else changed.push({ ...entry, existing });
  }
  const candidates = new Map(changed.filter((c) => !c.existing).map((c) => [c.index, slugCandidates(partner, c.item)]));
  const owners = await writer.articleSources([...candidates.values()].flat());
  const taken = new Set<string>();
  const work: ((typeof changed)[number] & { slug: string })[] = [];
  for (const entry of changed) {
    const slug = entry.existing?.articleSlug ?? candidates.get(entry.index)!.find((s) => !owners.has(s) || owners.get(s) === partner);
    if (slug === undefined) outcomes[entry.index] = { error: new Error(`no free article slug for ${entry.item.itemId}`) };
    else if (taken.has(slug)) later.push(entry);
    else {
      taken.add(slug);
      work.push({ ...entry, slug });
    }
  }
  const saved = await writer.saveArticles(
    work.map(({ item, existing, slug }) => ({
      slug,
      title: item.title,
      summary: item.summary,
      body: item.body,
      author: item.author,
      category: item.category,
      tags: item.tags,
      image: item.image,
      canonicalUrl: item.link,
      // An undated entry keeps the time it was first seen.
      ...(item.publishedAt || !existing ? { publishedAt: item.publishedAt ?? fetchedAt.toISOString() } : {}),
    })),
    partner,
  );
  const records: { record: PartnerItemRecord; matchedId?: string | undefined }[] = [];
  for (const [n, entry] of work.entries()) {
    const result = saved[n]!;
    if ("error" in result) {
      outcomes[entry.index] = { error: result.error };
      continue;
    }
    outcomes[entry.index] = entry.existing ? "updated" : "new";
    records.push({
      record: { itemId: entry.item.itemId, canonicalUrl: entry.item.link, articleSlug: entry.slug, contentHash: entry.item.contentHash },
      matchedId: entry.existing?.itemId,
    });
  }
  await writer.recordItems(partner, records, fetchedAt.toISOString());
  // Items put off because their slug was taken in this round are tried again after it.
  return later.sort((a, b) => a.index - b.index);
}

/** `<partner>-<title words>-<hash of the item id>`, with ever longer hashes: stable for the item; the first free one (or the partner's own) is used. */
function slugCandidates(partner: string, item: ReadyItem): string[] {
  const words = slugify(item.title).slice(0, 60).replace(/-+$/, "");
  const digest = hash([partner, item.itemId])
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  const slugs: string[] = [];
  for (let length = 6; length <= 24; length += 6) slugs.push(`${partner}-${words}-${digest.slice(0, length)}`.slice(0, 120).replace(/-+$/, ""));
  return slugs;
}
