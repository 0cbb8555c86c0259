import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

/** Partner items (what each partner entry became, for dedupe) and the entries a pull skipped. */
export const partnerItems: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("partner_items")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("partner_slug", "text", (c) => c.notNull())
      .addColumn("item_id", "text", (c) => c.notNull())
      .addColumn("canonical_url", "text")
      .addColumn("article_slug", "text", (c) => c.notNull())
      .addColumn("content_hash", "text", (c) => c.notNull())
      .addColumn("first_seen_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addUniqueConstraint("partner_items_item", ["partner_slug", "item_id"])
      .execute();
    await db.schema.createIndex("partner_items_link").on("partner_items").columns(["partner_slug", "canonical_url"]).execute();
    await db.schema
      .createTable("partner_skipped")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("partner_slug", "text", (c) => c.notNull())
      .addColumn("item", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("seen_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("partner_skipped_partner").on("partner_skipped").columns(["partner_slug", "seen_at"]).execute();
    // Since when a partner has been failing without a success in between: decides "unhealthy".
    await db.schema.alterTable("partners").addColumn("failing_since", "text").execute();
  },
});
