// A pull's items are saved as one batch: repeats inside it behave as if saved one by one, a store
// failure keeps none of it (and is the partner's alone), and the feed caches hear of it once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { CATEGORIES } from "#test/support/builders.js";
import type { ArticleChange } from "#src/model.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import type { Store } from "#src/store/index.js";
import { testPartnerService } from "#test/feeds-in/support/partners.js";
import { rss, serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";

describe.each(BACKENDS)("partner pull batches on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let server: FeedServer;
  let partners: PartnerService;
  let batches: ArticleChange[][] = [];

  const feed = (slug: string, items: Parameters<typeof rss>[0]) => server.route(`/${slug}.xml`, serve(rss(items)));
  const addPartner = async (slug: string, items: Parameters<typeof rss>[0]) => {
    feed(slug, items);
    await partners.save({ slug, name: slug, url: `${server.url}/${slug}.xml`, category: "world", allowPrivateNetwork: true });
  };
  const articlesOf = (partner: string) =>
    store.db.kysely.selectFrom("articles").select(["slug", "title", "source"]).where("source", "=", partner).orderBy("id").execute();
  const itemsOf = (partner: string) =>
    store.db.kysely.selectFrom("partner_items").select(["item_id", "article_slug"]).where("partner_slug", "=", partner).orderBy("id").execute();

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    for (const c of CATEGORIES) await store.categories.upsert(c, new Date().toISOString());
    server = await startFeedServer();
    partners = testPartnerService(store, { onChanges: (changes) => batches.push(changes) });
  });
  beforeEach(() => {
    batches = [];
  });
  afterAll(async () => {
    await partners.close();
    await store.close();
    await server.close();
    await database.drop();
  });

  it("gives two entries with the same title their own articles, with distinct slugs, and tells the caches once", async () => {
    await addPartner("twins", [
      { guid: "a", title: "Same headline" },
      { guid: "b", title: "Same headline" },
      { guid: "c", title: "Other headline" },
    ]);
    const { pull } = await partners.pullNow("twins");
    expect(pull).toMatchObject({ status: "ok", new: 3, updated: 0, unchanged: 0, skipped: [] });
    const rows = await articlesOf("twins");
    expect(rows.map((r) => r.title)).toEqual(["Same headline", "Same headline", "Other headline"]);
    expect(new Set(rows.map((r) => r.slug)).size).toBe(3);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((c) => c.kind)).toEqual(["created", "created", "created"]);

    batches = [];
    expect((await partners.pullNow("twins")).pull).toMatchObject({ new: 0, updated: 0, unchanged: 3 });
    expect(batches).toHaveLength(0);
  });

  it("gives two entries sharing a guid and a title their own articles in one batch", async () => {
    await addPartner("repeats", [
      { guid: "x", title: "Same story", link: "https://partner.example/one" },
      { guid: "x", title: "Same story", link: "https://partner.example/two" },
    ]);
    const { pull } = await partners.pullNow("repeats");
    expect(pull).toMatchObject({ status: "ok", new: 2, updated: 0, skipped: [] });
    const rows = await articlesOf("repeats");
    expect(rows.map((r) => r.title)).toEqual(["Same story", "Same story"]);
    expect(rows[0]!.slug).not.toBe(rows[1]!.slug);
    expect((await itemsOf("repeats")).map((r) => r.article_slug)).toEqual(rows.map((r) => r.slug));
  });

  it("updates a changed entry and creates a new one in the same batch", async () => {
    await addPartner("mixed", [{ guid: "old", title: "Old & plain <text>" }]);
    await partners.pullNow("mixed");
    const [before] = await articlesOf("mixed");
    feed("mixed", [
      { guid: "new", title: "Brand new" },
      { guid: "old", title: "Old, corrected" },
    ]);
    batches = [];
    const { pull } = await partners.pullNow("mixed");
    expect(pull).toMatchObject({ status: "ok", new: 1, updated: 1, unchanged: 0 });
    const rows = await articlesOf("mixed");
    expect(rows).toEqual([
      { slug: before!.slug, title: "Old, corrected", source: "mixed" },
      { slug: expect.stringMatching(/^mixed-brand-new-/), title: "Brand new", source: "mixed" },
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((c) => [c.kind, c.slug])).toEqual([
      ["created", rows[1]!.slug],
      ["updated", before!.slug],
    ]);
  });

  it("keeps nothing of a batch that fails in the middle, records it on the partner, and keeps the other partners' items", async () => {
    // A constraint the store does not know of: an article titled "Poison" cannot be written.
    if (backend === "sqlite") {
      await sql`create trigger no_poison before insert on articles when new.title = 'Poison' begin select raise(abort, 'no poison'); end`.execute(
        store.db.kysely,
      );
    } else await sql`alter table articles add constraint no_poison check (title <> 'Poison')`.execute(store.db.kysely);
    try {
      await addPartner("tainted", [
        { guid: "t1", title: "Fine before" },
        { guid: "t2", title: "Poison" },
        { guid: "t3", title: "Fine after" },
      ]);
      await addPartner("clean", [
        { guid: "c1", title: "Clean one" },
        { guid: "c2", title: "Clean two" },
      ]);
      const summary = await partners.pullAll(undefined);
      expect(summary).toMatchObject({ failed: 1 });
      expect(await articlesOf("tainted")).toEqual([]);
      expect(await itemsOf("tainted")).toEqual([]);
      const tainted = await partners.get("tainted");
      expect(tainted.health).toMatchObject({ lastStatus: "error", errorCount: 1 });
      expect(tainted.health.lastError).toMatch(/poison/);
      expect((await articlesOf("clean")).map((r) => r.title)).toEqual(["Clean one", "Clean two"]);
      expect(batches.flat().some((c) => c.slug.startsWith("tainted-"))).toBe(false);
    } finally {
      if (backend === "sqlite") await sql`drop trigger no_poison`.execute(store.db.kysely);
      else await sql`alter table articles drop constraint no_poison`.execute(store.db.kysely);
    }
    // Once the store takes it, the same feed is saved whole.
    expect((await partners.pullNow("tainted")).pull).toMatchObject({ status: "ok", new: 3 });
  });
});
