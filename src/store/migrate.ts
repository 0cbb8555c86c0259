// Runs every migration not yet applied. On PostgreSQL safe to call from several processes at once
// (kysely's migration lock); on SQLite, one process at a time.
import { Migrator, sql, type Migration } from "kysely";
import type { Db } from "#src/store/db.js";
import { MIGRATIONS } from "#src/store/migrations/index.js";
import { UnavailableError } from "#src/errors.js";

export async function migrate(db: Db): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, factory] of Object.entries(MIGRATIONS)) migrations[name] = factory(db.dialect);
  // kysely looks for its bookkeeping tables in every schema unless told which one: name ours,
  // so several databases in one PostgreSQL (tests, tenants) do not see each other's.
  const schema = db.dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    ...(schema ? { migrationTableSchema: schema } : {}),
    // Features land in parallel: a migration numbered below one already applied must still run.
    allowUnorderedMigrations: true,
    provider: { getMigrations: async () => migrations },
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
    // kysely checks for its tables by reading the catalog of every schema: one dropped by someone
    // else in the middle of that read ("schema … does not exist", 3F000) fails it. Read again.
    if (attempt < 5 && (error as { code?: string }).code === "3F000" && !String((error as Error).message).includes(`"${schema}"`)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    throw new UnavailableError(`store: migration failed: ${(error as Error).message}`, { cause: error });
  }
}
