import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Each article keeps its author's and its tags' names exactly as it was given them (and its tags in
 * their order): authors and tags are shared by slug, so one article's spelling ("AT&T Press") must not
 * rewrite another's ("AT&amp;T Press"). Older rows have none and read the shared name.
 */
export const plainTextNames: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable("articles").addColumn("author_name", "text").execute();
    await db.schema.alterTable("article_tags").addColumn("name", "text").execute();
    await db.schema
      .alterTable("article_tags")
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
});
