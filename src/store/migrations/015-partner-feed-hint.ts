import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * What the partner's feed itself last asked for, as it said it (whole minutes, rounded up): its <ttl>
 * and its sy:updatePeriod. Kept so that a pull answered 304, which has no document to read them from,
 * still honours them, within the partner's bounds of the moment.
 */
export const partnerFeedHint: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable("partners").addColumn("feed_ttl_minutes", "integer").execute();
    await db.schema.alterTable("partners").addColumn("feed_update_period_minutes", "integer").execute();
  },
});
