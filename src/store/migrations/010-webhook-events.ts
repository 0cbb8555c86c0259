import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Bounce, complaint and unsubscribe reports by their provider's id: a report delivered twice (providers
 * retry until they see a 2xx) counts once. Each names its subscriber, what it was, and the edition
 * whose message it is about where the provider echoes our Message-ID (the dashboard's rates per edition).
 */
export const webhookEvents: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("webhook_events")
      // "mailgun", "postmark", "sendgrid", "ses" or "api".
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      // Erasing a subscriber erases their reports.
      .addColumn("subscriber_id", "integer", (c) => c.references("subscribers.id").onDelete("cascade"))
      // "bounce" (hard), "soft-bounce", "complaint" or "unsubscribe".
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("message_id", "text")
      .addColumn("edition_id", "integer")
      .addColumn("received_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("webhook_events_pk", ["provider", "event_id"])
      .execute();
    await db.schema.createIndex("webhook_events_edition").on("webhook_events").columns(["edition_id", "kind"]).execute();
    await db.schema.createIndex("webhook_events_subscriber").on("webhook_events").column("subscriber_id").execute();
    // Mailgun's signature covers a one-time token, not the event: a token seen again is a replay. Kept
    // only as long as a signed timestamp stays fresh.
    await db.schema
      .createTable("webhook_tokens")
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("token", "text", (c) => c.notNull())
      .addColumn("seen_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("webhook_tokens_pk", ["provider", "token"])
      .execute();
    await db.schema.createIndex("webhook_tokens_seen").on("webhook_tokens").column("seen_at").execute();
  },
});
