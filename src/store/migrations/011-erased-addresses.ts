import type { Kysely } from "kysely";
import type { MigrationFactory } from "#src/store/migrations/helpers.js";

/**
 * Addresses whose subscriber was erased, kept only as a keyed hash (HMAC-SHA256 of the normalized
 * address): an import of the same address again is held back until its owner opts in afresh.
 */
export const erasedAddresses: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("erased_addresses")
      .addColumn("hash", "text", (c) => c.primaryKey())
      .addColumn("erased_at", "text", (c) => c.notNull())
      .execute();
  },
});
