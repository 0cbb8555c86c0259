import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

export const subscribers: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("subscribers")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
      .addColumn("categories", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("frequency", "text", (c) => c.notNull().defaultTo("daily"))
      .addColumn("timezone", "text", (c) => c.notNull().defaultTo("UTC"))
      .addColumn("send_hour", "integer", (c) => c.notNull().defaultTo(7))
      .addColumn("consent_at", "text")
      .addColumn("consent_ip", "text")
      .addColumn("consent_user_agent", "text")
      .addColumn("consent_source", "text")
      .addColumn("confirmed_at", "text")
      .addColumn("unsubscribed_at", "text")
      .addColumn("bounce_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("token_version", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    // The digest picks "active subscribers of this frequency".
    await db.schema.createIndex("subscribers_status_frequency").on("subscribers").columns(["status", "frequency"]).execute();
  },
});
