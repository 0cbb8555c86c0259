import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * A hub that verified a subscription but does not push: when it was verified, and the new items the
 * safety-net pulls found that no push had delivered since (reset by the next signed push).
 */
export const websubMissed: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable("websub_subscriptions").addColumn("verified_at", "text").execute();
    await db.schema
      .alterTable("websub_subscriptions")
      .addColumn("missed_items", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable("websub_subscriptions").addColumn("missed_at", "text").execute();
    // Subscriptions verified before this column: counted from their creation (the verification followed it by moments).
    await db
      .updateTable("websub_subscriptions")
      .set((eb) => ({ verified_at: eb.ref("created_at") }))
      .where("state", "=", "active")
      .execute();
  },
});
