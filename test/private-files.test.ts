// What Dispatch writes under DATA_DIR (generated keys, the SQLite database, outbox emails) is
// readable by its own user only, under the usual umask 022 that leaves other files 0644.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOrCreateSecret } from "#src/secrets.js";
import { openDb } from "#src/store/db.js";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";

const modeOf = (file: string) => statSync(file).mode & 0o777;

let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});

describe("files of a Dispatch started on an empty DATA_DIR", () => {
  let database: TestDatabase;
  let app: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    dataDir = path.join(database.dataDir, "data");
    // No ADMIN_API_KEY: the key is generated into DATA_DIR, with the token secret.
    app = await startTestApp({ ...database, dataDir }, { ADMIN_API_KEY: "" });
    const headers = { authorization: `Bearer ${app.adminApiKey}`, "content-type": "application/json" };
    for (const c of CATEGORIES) expect((await fetch(`${app.url}/api/categories`, { method: "POST", headers, body: JSON.stringify(c) })).status).toBe(201);
    const subscribed = await fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "reader@example.com", categories: ["world"], frequency: "daily" }),
    });
    expect(subscribed.status).toBe(202);
    await eventually(() => expect(readdirSync(path.join(dataDir, "outbox")).filter((f) => f.endsWith(".eml"))).toHaveLength(1));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("creates DATA_DIR 0700", () => {
    expect(modeOf(dataDir).toString(8)).toBe("700");
  });

  it.each(["admin-api-key", "token-secret"])("writes the generated %s 0600", (name) => {
    expect(modeOf(path.join(dataDir, name)).toString(8)).toBe("600");
  });

  it("keeps the SQLite database and its -wal and -shm files 0600", () => {
    const files = ["dispatch.sqlite", "dispatch.sqlite-wal", "dispatch.sqlite-shm"].map((f) => path.join(dataDir, f));
    expect(files.map((f) => [path.basename(f), existsSync(f) && modeOf(f).toString(8)])).toEqual([
      ["dispatch.sqlite", "600"],
      ["dispatch.sqlite-wal", "600"],
      ["dispatch.sqlite-shm", "600"],
    ]);
  });

  it("writes the outbox folder 0700 and each email 0600", () => {
    const outbox = path.join(dataDir, "outbox");
    expect(modeOf(outbox).toString(8)).toBe("700");
    expect(readdirSync(outbox).map((f) => [f.endsWith(".eml"), modeOf(path.join(outbox, f)).toString(8)])).toEqual([[true, "600"]]);
  });
});

describe("existing files with a wider mode", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-files-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes an existing 0644 database, -wal and -shm 0600 when it opens them", async () => {
    const file = path.join(dir, "dispatch.sqlite");
    // Another connection keeps the WAL and shared-memory files on disk, as a running process would.
    const older = new SQLite(file);
    older.pragma("journal_mode = WAL");
    older.exec("create table t (x integer); insert into t values (1)");
    const files = [file, `${file}-wal`, `${file}-shm`];
    expect(files.map(modeOf).map((m) => m.toString(8))).toEqual(["644", "644", "644"]);
    const db = openDb({ dataDir: dir });
    await db.ping();
    expect(files.map(modeOf).map((m) => m.toString(8))).toEqual(["600", "600", "600"]);
    await db.close();
    older.close();
  });

  it("replaces a secret file too short to be a secret with a new 0600 one", () => {
    const file = path.join(dir, "token-secret");
    writeFileSync(file, "short\n", { mode: 0o644 });
    const secret = readOrCreateSecret(dir, "token-secret");
    expect(secret.created).toBe(true);
    expect(secret.value.length).toBeGreaterThanOrEqual(16);
    expect(modeOf(file).toString(8)).toBe("600");
    expect(readOrCreateSecret(dir, "token-secret")).toEqual({ value: secret.value, created: false });
  });
});
