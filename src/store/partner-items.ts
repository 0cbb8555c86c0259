// Partner items (entry → article, for dedupe) and skipped entries. Only place with their SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface PartnerItemRecord {
  itemId: string;
  canonicalUrl: string | null;
  articleSlug: string;
  contentHash: string;
}

export interface SkippedItem {
  item: string;
  reason: string;
}

export function createPartnerItemStore(db: Kysely<Database>) {
  return {
    /**
     * The stored entry of each key: by item id, else by canonical link (a re-issued guid; the oldest
     * entry with it). Two look-ups (by id, then by link) for the lot.
     */
    async findMany(partner: string, keys: { itemId: string; link: string | null }[]): Promise<(PartnerItemRecord | undefined)[]> {
      type Row = { item_id: string; canonical_url: string | null; article_slug: string; content_hash: string };
      const byId = new Map<string, Row>();
      for (const part of chunks([...new Set(keys.map((k) => k.itemId))])) {
        const rows = await db
          .selectFrom("partner_items")
          .select(["item_id", "canonical_url", "article_slug", "content_hash"])
          .where("partner_slug", "=", partner)
          .where("item_id", "in", part)
          .execute();
        for (const row of rows) byId.set(row.item_id, row);
      }
      const links = [...new Set(keys.filter((k) => !byId.has(k.itemId) && k.link).map((k) => k.link!))];
      const byLink = new Map<string, Row>();
      for (const part of chunks(links)) {
        const rows = await db
          .selectFrom("partner_items")
          .select(["item_id", "canonical_url", "article_slug", "content_hash"])
          .where("partner_slug", "=", partner)
          .where("canonical_url", "in", part)
          .orderBy("id", "desc")
          .execute();
        // Oldest row last, so it wins.
        for (const row of rows) byLink.set(row.canonical_url!, row);
      }
      return keys.map((k) => {
        const row = byId.get(k.itemId) ?? (k.link ? byLink.get(k.link) : undefined);
        return row ? { itemId: row.item_id, canonicalUrl: row.canonical_url, articleSlug: row.article_slug, contentHash: row.content_hash } : undefined;
      });
    },

    /**
     * Records what each entry (distinct keys) became; `matchedId` is the id it was found under (it may
     * differ from a re-issued guid). One look-up, updates of the known ones, multi-row inserts of the rest.
     */
    async upsertMany(partner: string, entries: { record: PartnerItemRecord; matchedId?: string | undefined }[], now: string): Promise<void> {
      if (!entries.length) return;
      const known = new Map<string, number>();
      for (const part of chunks(entries.map((e) => e.matchedId ?? e.record.itemId))) {
        const rows = await db.selectFrom("partner_items").select(["id", "item_id"]).where("partner_slug", "=", partner).where("item_id", "in", part).execute();
        for (const row of rows) known.set(row.item_id, row.id);
      }
      const fresh = [];
      for (const { record, matchedId } of entries) {
        const row = { canonical_url: record.canonicalUrl, article_slug: record.articleSlug, content_hash: record.contentHash, last_seen_at: now };
        const id = known.get(matchedId ?? record.itemId);
        if (id !== undefined) await db.updateTable("partner_items").set(row).where("id", "=", id).execute();
        else fresh.push({ ...row, partner_slug: partner, item_id: record.itemId, first_seen_at: now });
      }
      for (const part of chunks(fresh)) await db.insertInto("partner_items").values(part).execute();
    },

    /** The source of each of these slugs that has an article. */
    async articleSources(slugs: string[]): Promise<Map<string, string>> {
      const result = new Map<string, string>();
      for (const part of chunks([...new Set(slugs)])) {
        const rows = await db.selectFrom("articles").select(["slug", "source"]).where("slug", "in", part).execute();
        for (const row of rows) result.set(row.slug, row.source);
      }
      return result;
    },

    /** Replaces the partner's skipped list with the last pull's. */
    async replaceSkipped(partner: string, skipped: SkippedItem[], now: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("partner_skipped").where("partner_slug", "=", partner).execute();
        if (skipped.length) {
          await trx
            .insertInto("partner_skipped")
            .values(skipped.map((s) => ({ partner_slug: partner, item: s.item.slice(0, 2000), reason: s.reason.slice(0, 2000), seen_at: now })))
            .execute();
        }
      });
    },

    async skipped(partner: string): Promise<SkippedItem[]> {
      const rows = await db.selectFrom("partner_skipped").select(["item", "reason"]).where("partner_slug", "=", partner).orderBy("id").execute();
      return rows;
    },
  };
}

function chunks<T>(list: T[], size = 400): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
