import type { Kysely } from "kysely";
import type { Dialect } from "#src/store/db.js";

/** Migrations are written once for both backends; the few differences go through these helpers. */
export type MigrationFactory = (dialect: Dialect) => { up(db: Kysely<any>): Promise<void> };

/** Auto-incrementing integer key: `integer … autoincrement` on SQLite, `serial` on PostgreSQL. */
export function idColumn(dialect: Dialect): "integer" | "serial" {
  return dialect === "sqlite" ? "integer" : "serial";
}
