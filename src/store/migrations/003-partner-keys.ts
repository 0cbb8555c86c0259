import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

/** Partner keys (stored hashed), their requests per day, and feed traffic per path per day. */
export const partnerKeys: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("partner_keys")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("partner_id", "integer", (c) => c.notNull().references("partners.id").onDelete("cascade"))
      .addColumn("prefix", "text", (c) => c.notNull().unique())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema.createIndex("partner_keys_partner").on("partner_keys").columns(["partner_id"]).execute();
    await db.schema
      .createTable("partner_key_requests")
      .addColumn("key_id", "integer", (c) => c.notNull().references("partner_keys.id").onDelete("cascade"))
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("requests", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("partner_key_requests_pk", ["key_id", "day"])
      .execute();
    await db.schema
      .createTable("feed_stats")
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("requests", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("not_modified", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("feed_stats_pk", ["path", "day"])
      .execute();
  },
});
