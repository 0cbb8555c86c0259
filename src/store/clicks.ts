// Digest clicks: one count per article and day on the engagement row, and what the dashboard reads
// back. Nothing here knows who clicked.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

/** Where a story's digest link leads: the article's canonical URL, else its page here. */
export interface ClickTarget {
  articleId: number;
  slug: string;
  canonicalUrl: string | null;
}

export interface MostClicked {
  articleId: number;
  slug: string;
  title: string;
  clicks: number;
}

/** The stories of the last edition that sent anything, with the number of digests that carried each. */
export interface EditionStories {
  editionId: number;
  frequency: string;
  period: string;
  /** Article id → digests of that edition carrying it, and its best place in any of them (1 = lead). */
  stories: Map<number, { digests: number; bestPlace: number }>;
}

export function createClickStore(db: Kysely<Database>) {
  return {
    async target(articleId: number): Promise<ClickTarget | undefined> {
      const row = await db
        .selectFrom("articles")
        .select(["id as articleId", "slug", "canonical_url as canonicalUrl"])
        .where("id", "=", articleId)
        .executeTakeFirst();
      return row ?? undefined;
    },

    /** One more click for the article on that day (YYYY-MM-DD, UTC). */
    async addClick(articleId: number, day: string): Promise<void> {
      await db
        .insertInto("engagement")
        .values({ article_id: articleId, day, views: 0, shares: 0, comments: 0, clicks: 1 })
        .onConflict((oc) => oc.columns(["article_id", "day"]).doUpdateSet((eb) => ({ clicks: eb("engagement.clicks", "+", 1) })))
        .execute();
    },

    /** Clicks per article on the days from `sinceDay` on, most first. */
    async mostClicked(sinceDay: string, limit: number): Promise<MostClicked[]> {
      const rows = await db
        .selectFrom("engagement")
        .innerJoin("articles", "articles.id", "engagement.article_id")
        .select((eb) => ["articles.id as articleId", "articles.slug", "articles.title", eb.fn.sum<number>("engagement.clicks").as("clicks")])
        .where("engagement.day", ">=", sinceDay)
        .groupBy(["articles.id", "articles.slug", "articles.title"])
        .having((eb) => eb.fn.sum("engagement.clicks"), ">", 0)
        .orderBy("clicks", "desc")
        .orderBy("articles.slug")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, clicks: Number(r.clicks) }));
    },

    async lastEditionStories(): Promise<EditionStories | undefined> {
      const edition = await db
        .selectFrom("editions")
        .select(["id", "frequency", "period"])
        .where((eb) => eb.exists(eb.selectFrom("deliveries").select("id").whereRef("deliveries.edition_id", "=", "editions.id").where("state", "=", "sent")))
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!edition) return undefined;
      // Subscribers with the same choices get the same list: grouping keeps this to a few rows.
      const lists = await db
        .selectFrom("deliveries")
        .select((eb) => ["article_ids", eb.fn.countAll<number>().as("n")])
        .where("edition_id", "=", edition.id)
        .where("state", "=", "sent")
        .where("article_ids", "is not", null)
        .groupBy("article_ids")
        .execute();
      const stories = new Map<number, { digests: number; bestPlace: number }>();
      for (const list of lists) {
        (JSON.parse(list.article_ids!) as number[]).forEach((id, index) => {
          const s = stories.get(id) ?? { digests: 0, bestPlace: Infinity };
          stories.set(id, { digests: s.digests + Number(list.n), bestPlace: Math.min(s.bestPlace, index + 1) });
        });
      }
      return { editionId: edition.id, frequency: edition.frequency, period: edition.period, stories };
    },
  };
}
