import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Each partner is polled at the pace it publishes: its bounds on that pace (minutes), and what the last
 * pulls learned — the median gap between its items, its items per day, and when a new item last came.
 */
export const partnerPace: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("partners")
      .addColumn("min_interval_minutes", "integer", (c) => c.notNull().defaultTo(5))
      .execute();
    await db.schema
      .alterTable("partners")
      .addColumn("max_interval_minutes", "integer", (c) => c.notNull().defaultTo(24 * 60))
      .execute();
    await db.schema.alterTable("partners").addColumn("learned_interval_minutes", "integer").execute();
    await db.schema.alterTable("partners").addColumn("items_per_day", "double precision").execute();
    await db.schema.alterTable("partners").addColumn("last_new_item_at", "text").execute();
  },
});
