import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDb } from "#src/store/db.js";

describe("where the data lives", () => {
  it.each([
    ["postgres://news:s3cretpw@db.internal:5432/news", "postgres://news:[redacted]@db.internal:5432/news"],
    ["postgres://news@db.internal/news?password=s3cretpw&sslmode=require", "postgres://news@db.internal/news?password=[redacted]&sslmode=require"],
  ])("describes %s without its password", async (databaseUrl, location) => {
    // The pool connects on the first query: none is made here.
    const db = openDb({ databaseUrl, dataDir: "unused" });
    expect(db.location).toBe(location);
    await db.close();
  });
});

describe("SQLite's page cache", () => {
  it.each([
    [undefined, -64 * 1024],
    [256, -256 * 1024],
  ])("is SQLITE_CACHE_MB (%s) megabytes", async (sqliteCacheMb, pages) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "dispatch-cache-"));
    const db = openDb({ dataDir, ...(sqliteCacheMb === undefined ? {} : { sqliteCacheMb }) });
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db.kysely);
      expect(rows[0]!.cache_size).toBe(pages);
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
