// Group commit (store/group-commit.ts): units that arrive together share a transaction and its
// commit, each is kept or undone alone, and a caller hears of its unit only once it is committed.
// Seen from a second connection, which sees committed rows only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Transaction } from "kysely";
import { sql } from "kysely";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { createGroupCommit, GroupCommitError } from "#src/store/group-commit.js";
import type { Store } from "#src/store/index.js";
import type { Database } from "#src/store/schema.js";

describe.each(BACKENDS)("group commit (%s)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    other = await openTestStore(database);
  });
  afterEach(async () => {
    await store.db.kysely.deleteFrom("tags").execute();
  });
  afterAll(async () => {
    await other?.close();
    await store?.close();
    await database?.drop();
  });

  const insertTag = (trx: Transaction<Database>, slug: string) => trx.insertInto("tags").values({ slug, name: slug }).execute();
  /** The tags a second connection sees: committed ones only. */
  const committed = async () => (await other.db.kysely.selectFrom("tags").select("slug").orderBy("slug").execute()).map((r) => r.slug);

  it("units that arrive together share one commit, and each caller hears of its unit once it is committed", async () => {
    const group = createGroupCommit(store.db.kysely, { maxUnits: 16 });
    const seenByOther: string[][] = [];
    const first = group(async (trx) => {
      await insertTag(trx, "a");
      return "a saved";
    });
    const second = group(async (trx) => {
      // The first unit's row is written but not committed: the two share a transaction.
      seenByOther.push(await committed());
      await insertTag(trx, "b");
      return "b saved";
    });
    // What a second connection sees when each caller hears its unit is done.
    const results = await Promise.all([first, second].map((unit) => unit.then(async (value) => `${value}: ${(await committed()).join(",")}`)));
    expect(seenByOther).toEqual([[]]);
    expect(results).toEqual(["a saved: a,b", "b saved: a,b"]);
  });

  it("holds at most maxUnits in one transaction", async () => {
    const group = createGroupCommit(store.db.kysely, { maxUnits: 1 });
    const seenByOther: string[][] = [];
    await Promise.all([
      group((trx) => insertTag(trx, "a")),
      group(async (trx) => {
        seenByOther.push(await committed());
        await insertTag(trx, "b");
      }),
    ]);
    // With one unit a transaction, the first was committed before the second ran.
    expect(seenByOther).toEqual([["a"]]);
  });

  it("undoes a failed unit alone: the others of its group are kept", async () => {
    const group = createGroupCommit(store.db.kysely, { maxUnits: 16 });
    const outcomes = await Promise.allSettled([
      group((trx) => insertTag(trx, "a")),
      group(async (trx) => {
        await insertTag(trx, "b");
        // A store failure after a write: the write goes with it.
        await insertTag(trx, "a");
      }),
      group((trx) => insertTag(trx, "c")),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await committed()).toEqual(["a", "c"]);
  });

  it("a unit that arrives after a group was committed starts the next one", async () => {
    const group = createGroupCommit(store.db.kysely, { maxUnits: 16 });
    await group((trx) => insertTag(trx, "a"));
    await group((trx) => insertTag(trx, "b"));
    expect(await committed()).toEqual(["a", "b"]);
  });

  it("fails the waiting units when a transaction cannot begin (the store is closed), rather than trying again without end", async () => {
    const closed = await openTestStore(database);
    await closed.close();
    const group = createGroupCommit(closed.db.kysely, { maxUnits: 16 });
    const outcomes = await Promise.allSettled([group((trx) => insertTag(trx, "a")), group((trx) => insertTag(trx, "b"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(await committed()).toEqual([]);
  });

  it.runIf(backend === "sqlite")(
    "takes the write lock when a group begins: a unit that only reads is never followed by writes on an outdated snapshot",
    async () => {
      const group = createGroupCommit(store.db.kysely, { maxUnits: 16 });
      const reading = group(async (trx) => (await trx.selectFrom("tags").select("slug").execute()).length);
      await new Promise((resolve) => setImmediate(resolve));
      // Another process writing meanwhile would have left the group's later writes with SQLITE_BUSY_SNAPSHOT:
      // instead it waits for the group (here: told not to wait, it is refused).
      await sql`pragma busy_timeout = 0`.execute(other.db.kysely);
      const otherWrite = await other.db.kysely
        .insertInto("tags")
        .values({ slug: "other", name: "other" })
        .execute()
        .then(
          () => "written",
          (error: { code?: string }) => error.code,
        );
      await sql`pragma busy_timeout = 5000`.execute(other.db.kysely);
      const writing = group((trx) => insertTag(trx, "b"));
      expect(await Promise.all([reading, writing.then(() => "b")])).toEqual([0, "b"]);
      expect(otherWrite).toBe("SQLITE_BUSY");
    },
  );

  it.runIf(backend === "sqlite")("a commit that fails keeps nothing of the group, and every caller hears of it", async () => {
    const group = createGroupCommit(store.db.kysely, { maxUnits: 16 });
    const outcomes = await Promise.allSettled([
      group((trx) => insertTag(trx, "a")),
      group(async (trx) => {
        // Checked at commit: a link to an article that does not exist fails the commit, not the statement.
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        const tag = await trx.selectFrom("tags").select("id").where("slug", "=", "a").executeTakeFirstOrThrow();
        await trx.insertInto("article_tags").values({ article_id: 999_999, tag_id: tag.id, name: null, position: 0 }).execute();
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    for (const outcome of outcomes) {
      const reason = (outcome as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(GroupCommitError);
      expect(reason.message).toMatch(/^not saved: the transaction it shared with other saves failed \(.*FOREIGN KEY/);
    }
    expect(await committed()).toEqual([]);
    // The connection is usable again.
    await group((trx) => insertTag(trx, "b"));
    expect(await committed()).toEqual(["b"]);
  });
});
