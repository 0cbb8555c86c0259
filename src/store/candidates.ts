// The raw material of digests: recent articles with engagement totals and tags.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import { tagsOf } from "#src/store/articles.js";
import type { CandidateRow } from "#src/model.js";

export function createCandidateStore(db: Kysely<Database>) {
  return {
    /** Articles published since `since`, with engagement totals and tags: the digest's raw material. */
    async candidates(since: string): Promise<CandidateRow[]> {
      const rows = await db
        .selectFrom("articles")
        .innerJoin("categories", "categories.id", "articles.category_id")
        .leftJoin("authors", "authors.id", "articles.author_id")
        .leftJoin(
          (eb) =>
            eb
              .selectFrom("engagement")
              .select((e) => [
                "article_id",
                e.fn.sum<number>("views").as("views"),
                e.fn.sum<number>("shares").as("shares"),
                e.fn.sum<number>("comments").as("comments"),
                e.fn.sum<number>("clicks").as("clicks"),
              ])
              .groupBy("article_id")
              .as("totals"),
          (join) => join.onRef("totals.article_id", "=", "articles.id"),
        )
        .select([
          "articles.id as articleId",
          "articles.slug",
          "articles.title",
          "articles.summary",
          "categories.slug as category",
          (eb) => eb.fn.coalesce("articles.author_name", "authors.name").as("author"),
          "articles.canonical_url as canonicalUrl",
          "articles.image_url as imageUrl",
          "articles.image_alt as imageAlt",
          "articles.image_credit as imageCredit",
          "articles.published_at as publishedAt",
          "totals.views",
          "totals.shares",
          "totals.comments",
          "totals.clicks",
        ])
        .where("articles.published_at", ">=", since)
        .orderBy("articles.published_at", "desc")
        .execute();
      const tags = await tagsOf(
        db,
        rows.map((r) => r.articleId),
      );
      return rows.map((r) => ({
        ...r,
        author: r.author ?? null,
        views: Number(r.views ?? 0),
        shares: Number(r.shares ?? 0),
        comments: Number(r.comments ?? 0),
        clicks: Number(r.clicks ?? 0),
        tags: tags.get(r.articleId) ?? [],
      }));
    },
  };
}
