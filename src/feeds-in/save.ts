// The save step: an item becomes an article through the article service (which sanitizes again and
// tells the feed caches), deduplicated by (partner, item id) or canonical link. Content unchanged
// since the last pull: nothing is written.
import type { Partner } from "#src/model.js";
import type { PartnerItem } from "#src/feeds-in/item.js";
import type { PartnerItemRecord } from "#src/store/partner-items.js";
import { slugify } from "#src/slug.js";
import { hash } from "#src/feeds-in/hash.js";

/** The few things the save step needs (satisfied by the article service and the store). */
export interface SavePort {
  saveArticle(input: Record<string, unknown>, source: string): Promise<{ changed: boolean }>;
  articleSource(slug: string): Promise<string | undefined>;
  findItem(partner: string, itemId: string, link: string | null): Promise<PartnerItemRecord | undefined>;
  recordItem(partner: string, record: PartnerItemRecord, now: string, matchedId?: string): Promise<void>;
}

/** What saving one partner item did: counted per pull in its report. */
export type ItemOutcome = "new" | "updated" | "unchanged";

export async function saveItem(port: SavePort, partner: Pick<Partner, "slug">, item: PartnerItem, fetchedAt: Date): Promise<ItemOutcome> {
  // The fetch time stands in for a missing date; it must not make an unchanged entry look changed.
  const contentHash = hash([
    item.title,
    item.link,
    item.summary,
    item.body,
    item.author,
    item.category,
    item.image,
    item.publishedAt,
    ...(item.tags.length ? [[...item.tags].sort()] : []),
  ]);
  const existing = await port.findItem(partner.slug, item.itemId, item.uniqueLink ? item.link : null);
  if (existing && existing.contentHash === contentHash) return "unchanged";
  const slug = existing?.articleSlug ?? (await freeSlug(port, partner.slug, item));
  await port.saveArticle(
    {
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
    },
    partner.slug,
  );
  const record = { itemId: item.itemId, canonicalUrl: item.link, articleSlug: slug, contentHash };
  await port.recordItem(partner.slug, record, fetchedAt.toISOString(), existing?.itemId);
  return existing ? "updated" : "new";
}

/** `<partner>-<title words>-<hash of the item id>`: stable for the item, and never one of the newsroom's own slugs. */
async function freeSlug(port: SavePort, partner: string, item: PartnerItem): Promise<string> {
  const words = slugify(item.title).slice(0, 60).replace(/-+$/, "");
  const digest = hash([partner, item.itemId])
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  for (let length = 6; length <= 24; length += 6) {
    const slug = `${partner}-${words}-${digest.slice(0, length)}`.slice(0, 120).replace(/-+$/, "");
    const owner = await port.articleSource(slug);
    if (owner === undefined || owner === partner) return slug;
  }
  throw new Error(`no free article slug for ${item.itemId}`);
}
