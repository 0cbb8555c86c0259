// SQLite's WAL is copied into the database by a thread of its own (store/db.ts), not by the commits of
// the thread that writes: the database file grows while the log is still far below the size at which
// a commit would checkpoint by itself.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "#src/store/index.js";
import { eventually } from "#test/support/eventually.js";

describe("WAL checkpoints", () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("run off the writing thread once the log is large, and stop with the store", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-checkpoints-"));
    store = await openStore({ dataDir: dir });
    const file = path.join(dir, "dispatch.sqlite");
    await sql`create table filler (b blob not null)`.execute(store.db.kysely);
    const before = statSync(file).size;
    // 8 MiB of log: past the checkpoint thread's start (4 MiB), far below the commits' own (40 MiB).
    for (let n = 0; n < 128; n++) await sql`insert into filler (b) values (${randomBytes(64 * 1024)})`.execute(store.db.kysely);
    await eventually(() => expect(statSync(file).size).toBeGreaterThan(before + 6 * 1024 * 1024), 10_000);
    await store.close();
    store = undefined;
  });

  it("keep the log bounded under writes that never pause", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-checkpoints-"));
    store = await openStore({ dataDir: dir });
    const wal = path.join(dir, "dispatch.sqlite-wal");
    await sql`create table filler (b blob not null)`.execute(store.db.kysely);
    // 64 MiB written in 16 KiB commits a millisecond apart (about 10 MiB a second, a busy partner pull's
    // pace): a checkpoint that copies without ever emptying the log would let it grow to the commits' own 40 MiB.
    let largest = 0;
    for (let n = 0; n < 4096; n++) {
      await sql`insert into filler (b) values (${randomBytes(16 * 1024)})`.execute(store.db.kysely);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (n % 16 === 0) largest = Math.max(largest, statSync(wal, { throwIfNoEntry: false })?.size ?? 0);
    }
    expect(largest).toBeGreaterThan(4 * 1024 * 1024);
    expect(largest).toBeLessThan(32 * 1024 * 1024);
  });
});
