import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

export const digests: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("editions")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      // "schedule:daily:2026-11-26" (one per frequency and local period) or "manual:<uuid>".
      .addColumn("key", "text", (c) => c.notNull().unique())
      .addColumn("frequency", "text", (c) => c.notNull())
      .addColumn("period", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .execute();
    await db.schema
      .createTable("deliveries")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("edition_id", "integer", (c) => c.notNull().references("editions.id").onDelete("cascade"))
      .addColumn("subscriber_id", "integer", (c) => c.notNull().references("subscribers.id").onDelete("cascade"))
      .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("lease_until", "text")
      .addColumn("claimed_by", "text")
      .addColumn("message_id", "text")
      // JSON array of article ids, fixed when first composed so a resend carries the same stories.
      .addColumn("article_ids", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .addUniqueConstraint("deliveries_edition_subscriber", ["edition_id", "subscriber_id"])
      .execute();
    await db.schema.createIndex("deliveries_due").on("deliveries").columns(["state", "next_attempt_at"]).execute();
    await db.schema.createIndex("deliveries_subscriber").on("deliveries").columns(["subscriber_id", "state", "sent_at"]).execute();
    await db.schema.createIndex("deliveries_edition_state").on("deliveries").columns(["edition_id", "state"]).execute();
  },
});
