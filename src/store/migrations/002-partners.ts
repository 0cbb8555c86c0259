import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

export const partners: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("partners")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("url", "text")
      .addColumn("category", "text")
      .addColumn("category_map", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("interval_minutes", "integer", (c) => c.notNull().defaultTo(15))
      .addColumn("full_content", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("allow_private_network", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("origin", "text", (c) => c.notNull().defaultTo("api"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("last_pull_at", "text")
      .addColumn("last_status", "text")
      .addColumn("last_error", "text")
      .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_pull_at", "text")
      .addColumn("items", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("etag", "text")
      .addColumn("last_modified", "text")
      .execute();
  },
});
