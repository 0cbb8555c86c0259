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
    /** The stored entry with this id, or else with this canonical link (a re-issued guid). */
    async find(partner: string, itemId: string, canonicalUrl: string | null): Promise<PartnerItemRecord | undefined> {
      const byId = await db
        .selectFrom("partner_items")
        .select(["item_id", "canonical_url", "article_slug", "content_hash"])
        .where("partner_slug", "=", partner)
        .where("item_id", "=", itemId)
        .executeTakeFirst();
      const row =
        byId ??
        (canonicalUrl
          ? await db
              .selectFrom("partner_items")
              .select(["item_id", "canonical_url", "article_slug", "content_hash"])
              .where("partner_slug", "=", partner)
              .where("canonical_url", "=", canonicalUrl)
              .orderBy("id")
              .executeTakeFirst()
          : undefined);
      return row ? { itemId: row.item_id, canonicalUrl: row.canonical_url, articleSlug: row.article_slug, contentHash: row.content_hash } : undefined;
    },

    /** Records what an entry became; `matchedId` is the id it was found under (it may differ from a re-issued guid). */
    async upsert(partner: string, record: PartnerItemRecord, now: string, matchedId?: string): Promise<void> {
      const key = matchedId ?? record.itemId;
      const existing = await db.selectFrom("partner_items").select("id").where("partner_slug", "=", partner).where("item_id", "=", key).executeTakeFirst();
      const row = { canonical_url: record.canonicalUrl, article_slug: record.articleSlug, content_hash: record.contentHash, last_seen_at: now };
      if (existing) await db.updateTable("partner_items").set(row).where("id", "=", existing.id).execute();
      else
        await db
          .insertInto("partner_items")
          .values({ ...row, partner_slug: partner, item_id: record.itemId, first_seen_at: now })
          .execute();
    },

    /** The source of the article with this slug ("own" or a partner slug), or undefined when there is none. */
    async articleSource(slug: string): Promise<string | undefined> {
      const row = await db.selectFrom("articles").select("source").where("slug", "=", slug).executeTakeFirst();
      return row?.source;
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
