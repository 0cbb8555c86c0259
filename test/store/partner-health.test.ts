// Pull outcomes written together: writes that arrive while one is being written share a transaction;
// each resolves once written, in order, and a failed batch fails each of its writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import type { Store } from "#src/store/index.js";

describe.each(BACKENDS)("partner health writes on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  const at = new Date().toISOString();

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    for (let n = 0; n < 20; n++) {
      const partner = { slug: `p${n}`, name: `P${n}`, url: `https://p${n}.example/feed`, category: null, categoryMap: {}, intervalMinutes: 15 };
      await store.partners.upsert({ ...partner, fullContent: false, enabled: true, allowPrivateNetwork: false }, "api", at);
    }
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("writes every one of many concurrent outcomes, the later of two for one partner last", async () => {
    await Promise.all([
      ...Array.from({ length: 20 }, (_, n) => store.partners.recordHealth(`p${n}`, { lastStatus: "ok", items: n, etag: `"e${n}"` })),
      store.partners.recordHealth("p3", { items: 300 }),
    ]);
    const partners = await store.partners.list();
    expect(partners.map((p) => [p.slug, p.health.lastStatus, p.health.items])).toEqual(
      Array.from({ length: 20 }, (_, n) => [`p${n}`, "ok", n === 3 ? 300 : n]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await store.partners.validators("p7")).toEqual({ etag: '"e7"', lastModified: null });
  });

  it("fails the writes of a batch that cannot be written, and writes the next ones", async () => {
    const outcomes = await Promise.allSettled([
      store.partners.recordHealth("p1", { items: 1 }),
      // Not a date, nor a number: PostgreSQL refuses it; SQLite keeps what it is given, so a NOT NULL column breaks it on both.
      store.partners.recordHealth("p2", { errorCount: null as unknown as number }),
      store.partners.recordHealth("p4", { items: 4 }),
    ]);
    expect(outcomes.map((o) => o.status)).toContain("rejected");
    await store.partners.recordHealth("p5", { items: 55 });
    expect((await store.partners.get("p5"))!.health.items).toBe(55);
  });
});
