import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Our WebSub subscriptions to partners' hubs: one per partner, topic and hub. The id is the
 * unguessable last segment of the callback URL; the secret signs what the hub pushes to it.
 */
export const websubSubscriptions: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("websub_subscriptions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("partner_slug", "text", (c) => c.notNull())
      .addColumn("topic", "text", (c) => c.notNull())
      .addColumn("hub", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      // "pending", "active", "denied" or "unsubscribing"; "unsubscribed" once the hub confirmed.
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("lease_seconds", "integer")
      .addColumn("lease_expires_at", "text")
      .addColumn("last_push_at", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("websub_subscriptions_partner").on("websub_subscriptions").columns(["partner_slug", "state"]).execute();
  },
});
