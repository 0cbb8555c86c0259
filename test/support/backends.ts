// Every store and API test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL,
// each in its own throwaway file or schema so runs never collide.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openStore, type Store } from "#src/store/index.js";

export type Backend = "sqlite" | "postgres";

export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

export interface TestDatabase {
  backend: Backend;
  /** DATABASE_URL for the app (undefined = SQLite in dataDir). */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "dispatch-test-"));
  if (backend === "sqlite") {
    return { backend, databaseUrl: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const base = process.env.TEST_DATABASE_URL!;
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    backend,
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openTestStore(database: TestDatabase): Promise<Store> {
  return openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
}
