import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/** Admin sessions ended by a sign-out, until they would have expired: a copied cookie stops working. */
export const adminSessions: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("admin_session_revocations")
      .addColumn("session_id", "text", (c) => c.primaryKey())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
  },
});
