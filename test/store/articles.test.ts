import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { createArticleService, type ArticleService } from "#src/articles/service.js";
import type { Store } from "#src/store/index.js";
import type { ArticleChange } from "#src/model.js";
import { sql } from "kysely";
import { articleInputSchema, normalizeArticle } from "#src/articles/input.js";
import { createArticleStore } from "#src/store/articles.js";

describe.each(BACKENDS)("article store on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let service: ArticleService;
  const changes: ArticleChange[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    for (const c of CATEGORIES) await store.categories.upsert(c, "2026-11-01T00:00:00.000Z");
    service = createArticleService({ articles: store.articles, categories: store.categories });
    service.onChange((c) => changes.push(c));
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("reads back what it stored", async () => {
    const input = article({
      slug: "roundtrip",
      tags: ["Iraq", "diplomacy"],
      author: "Jane Doe",
      publishedAt: "2026-11-24T09:00:00.000Z",
      updatedAt: "2026-11-24T09:00:00.000Z",
    });
    await service.save(input);
    const stored = await service.get("roundtrip");
    expect(stored).toMatchObject({
      slug: "roundtrip",
      title: input.title,
      summary: input.summary,
      body: input.body,
      author: "Jane Doe",
      category: "us-news",
      // Tags as given, in their order; their slugs address the tag feeds.
      tags: ["Iraq", "diplomacy"],
      image: { url: "https://img.example.com/a.jpg", alt: "A picture", credit: "Reuters" },
      canonicalUrl: input.canonicalUrl,
      source: "own",
      publishedAt: "2026-11-24T09:00:00.000Z",
      updatedAt: "2026-11-24T09:00:00.000Z",
      engagement: { views: 0, shares: 0, comments: 0 },
    });
    expect(stored.id).toMatch(/^urn:uuid:/);
  });

  it("stores every field of a batch exactly as given, whatever characters it holds", async () => {
    // PostgreSQL inserts a batch as one array a column: quotes, backslashes, braces, commas, the word
    // NULL and empty strings must come back as they went in, and a missing value as null.
    const tricky = ['a "quoted", {braced} \\ back\\slash', "NULL", "", "ünïcødé — 漢字 🗞", "line\nbreak\ttab", "{}", '"', "\\"];
    const inputs = tricky.map((text, n) =>
      article({
        slug: `tricky-${n}`,
        title: text || "empty summary",
        summary: text,
        body: `<p>${n}</p>`,
        author: n % 2 ? null : text || null,
        image: n % 3 ? null : { url: "https://img.example.com/q.jpg?a=1,2&b={x}", alt: text, credit: text },
        canonicalUrl: n % 2 ? null : `https://example.com/${n}?q="x"`,
      }),
    );
    const { outcomes } = await service.saveMany(inputs, "own");
    expect(outcomes.every((o) => "created" in o && o.created)).toBe(true);
    for (const [n, input] of inputs.entries()) {
      const stored = await service.get(`tricky-${n}`);
      expect(stored.title).toBe(input.title);
      expect(stored.summary).toBe(input.summary);
      expect(stored.author).toBe(input.author ?? null);
      expect(stored.image).toEqual(input.image ? { ...input.image, type: null, length: null } : null);
      expect(stored.canonicalUrl).toBe(input.canonicalUrl ?? null);
    }
  });

  it.runIf(backend === "postgres")("saves batches that name the same tags and authors side by side, neither waiting for the other's commit", async () => {
    const record = (slug: string) =>
      normalizeArticle(articleInputSchema.parse(article({ slug, tags: ["World", "Economy"], author: "Jane Doe" })), { now: new Date(), source: "own" });
    await store.articles.saveMany([record("side-0")]);
    let finishSecond!: () => void;
    const secondDone = new Promise<void>((resolve) => (finishSecond = resolve));
    // The first batch's transaction stays open until the second has been saved: had the first locked the
    // tag or author rows, the second would wait for it, past its lock timeout.
    const first = store.db.kysely.transaction().execute(async (trx) => {
      await createArticleStore(trx, "postgres").saveMany([record("side-1")]);
      await secondDone;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.db.kysely.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '2s'`.execute(trx);
        await createArticleStore(trx, "postgres").saveMany([record("side-2")]);
      });
    } finally {
      finishSecond();
      await first;
    }
    for (const slug of ["side-1", "side-2"]) expect((await service.get(slug)).tags).toEqual(["World", "Economy"]);
  });

  it("keeps the stable id when an article is edited, and reports where it moved from", async () => {
    await service.save(article({ slug: "moving", category: "us-news", tags: ["a"] }));
    const { id } = await service.get("moving");
    changes.length = 0;
    await service.save(article({ slug: "moving", category: "world", tags: ["b"], title: "Edited" }));
    const edited = await service.get("moving");
    expect(edited.id).toBe(id);
    expect(edited.title).toBe("Edited");
    expect(changes).toEqual([
      {
        kind: "updated",
        slug: "moving",
        before: { category: "us-news", tags: ["a"], author: "jane-doe", source: "own" },
        after: { category: "world", tags: ["b"], author: "jane-doe", source: "own" },
      },
    ]);
  });

  it("writes nothing and tells no one when the same content is saved again", async () => {
    const input = article({ slug: "same" });
    await service.save(input);
    changes.length = 0;
    const outcome = await service.save(input);
    expect(outcome.changed).toBe(false);
    expect(changes).toEqual([]);
  });

  it("sanitizes the body on the way in", async () => {
    await service.save(
      article({
        slug: "dirty",
        body: '<p onclick="x()">Hi<script>alert(1)</script></p><iframe src="https://evil"></iframe><a href="javascript:alert(1)">link</a>',
      }),
    );
    const { body } = await service.get("dirty");
    expect(body).toBe("<p>Hi</p><a>link</a>");
  });

  it("adds engagement to what is stored for that article and day", async () => {
    await service.save(article({ slug: "popular" }));
    await service.addEngagement([{ slug: "popular", day: "2026-11-24", views: 100, shares: 4, comments: 2, clicks: 7 }]);
    await service.addEngagement([
      { slug: "popular", day: "2026-11-24", views: 20, shares: 1, comments: 0, clicks: 1 },
      { slug: "popular", day: "2026-11-25", views: 5, shares: 0, comments: 1, clicks: 0 },
    ]);
    expect((await service.get("popular")).engagement).toEqual({ views: 125, shares: 5, comments: 3, clicks: 8 });
  });

  it("lists newest first, filtered by category, tag and author", async () => {
    await service.save(article({ slug: "old", category: "us-military", tags: ["navy"], author: "Ann Lee", publishedAt: "2026-11-01T00:00:00Z" }));
    await service.save(article({ slug: "new", category: "us-military", tags: ["navy", "budget"], author: "Bob Ray", publishedAt: "2026-11-20T00:00:00Z" }));
    const page = { limit: 10, offset: 0 };
    expect((await store.articles.list({ category: "us-military" }, page)).map((a) => a.slug)).toEqual(["new", "old"]);
    expect((await store.articles.list({ tag: "budget" }, page)).map((a) => a.slug)).toEqual(["new"]);
    expect((await store.articles.list({ author: "ann-lee" }, page)).map((a) => a.slug)).toEqual(["old"]);
    expect(await store.articles.count({ tag: "navy" })).toBe(2);
  });

  it("deletes an article and reports where it was", async () => {
    await service.save(article({ slug: "doomed", tags: ["x"] }));
    changes.length = 0;
    await service.remove("doomed");
    await expect(service.get("doomed")).rejects.toThrow('article "doomed" not found');
    expect(changes[0]).toMatchObject({ kind: "deleted", before: { category: "us-news", tags: ["x"] }, after: null });
  });
});
