import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Digest clicks per article and day: a column beside views, shares and comments, on the same
 * (article, day) row, so clicks are summed, ranked and deleted with the article like the others.
 * Nothing about who clicked is stored anywhere.
 */
export const clicks: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("engagement")
      .addColumn("clicks", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
});
