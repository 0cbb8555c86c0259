import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * The wait the partner's feed itself last asked for (its <ttl> or sy:updatePeriod, in minutes): kept so
 * that a pull answered 304, which has no document to read it from, still honours it.
 */
export const partnerFeedHint: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable("partners").addColumn("feed_hint_minutes", "integer").execute();
  },
});
