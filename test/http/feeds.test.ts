// Public feeds over HTTP, read back by parsers other than the generator (feedparser, rss-parser).
import { beforeAll, describe, expect, it } from "vitest";
import Parser from "rss-parser";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { feedparser } from "#test/support/feedparser.js";
import { request } from "#test/support/http.js";

const TRICKY_TITLE = 'Talks & "hopes" as 2 < 3 ]]> — 会談 🇺🇸 مرحبا';
const TRICKY_BODY = "<p>Code: a ]]> b ]]> c, and a bell \u0007 here.</p>";

describe.each(BACKENDS)("public feeds on %s", (backend) => {
  const app = useTestApp(backend, { FEED_PAGE_SIZE: "3", FEED_MAX_AGE: "120" });
  const post = async (input: Record<string, unknown>) => expect((await app.admin("/api/articles", { method: "POST", json: input })).status).toBeLessThan(300);

  beforeAll(async () => {
    for (const c of [...CATEGORIES, { slug: "paged", name: "Paged", description: "Many stories." }]) {
      await app.admin("/api/categories", { method: "POST", json: c });
    }
    await post(
      article({ slug: "older", title: "An older story", category: "us-news", publishedAt: "2026-11-20T08:00:00.000Z", updatedAt: "2026-11-20T08:00:00.000Z" }),
    );
    await post(
      article({
        slug: "tricky",
        title: TRICKY_TITLE,
        summary: "Summary with & and < signs",
        body: TRICKY_BODY,
        author: "Jane Doe",
        category: "us-news",
        tags: ["iraq", "diplomacy"],
        image: { url: "https://img.example.com/talks.jpg", alt: "Delegates", credit: "Press TV", type: "image/jpeg", length: 48213 },
        canonicalUrl: "https://news.example.com/tricky?a=1&b=2",
        publishedAt: "2026-11-24T09:00:00.000Z",
        updatedAt: "2026-11-24T10:30:00.000Z",
      }),
    );
    for (let i = 1; i <= 7; i++) {
      await post(
        article({
          slug: `paged-${i}`,
          category: "paged",
          author: "Sam Roe",
          tags: ["paging"],
          publishedAt: `2026-11-0${i}T00:00:00.000Z`,
          updatedAt: `2026-11-0${i}T00:00:00.000Z`,
        }),
      );
    }
  });

  const get = (path: string, headers: Record<string, string> = {}) => request(`${app.url}${path}`, { headers });

  it.each(["/feeds/all", "/feeds/us-news", "/feeds/tags/iraq", "/feeds/authors/jane-doe"])(
    "%s.rss and .atom come back whole through feedparser",
    async (path) => {
      for (const format of ["rss", "atom"] as const) {
        const response = await get(`${path}.${format}`);
        expect(response.status).toBe(200);
        expect(response.headers["content-type"]).toBe(format === "rss" ? "application/rss+xml; charset=utf-8" : "application/atom+xml; charset=utf-8");
        const parsed = await feedparser(response.body);
        expect(parsed.bozo, parsed.bozo_exception).toBe(0);
        expect(parsed.version).toBe(format === "rss" ? "rss20" : "atom10");
        expect(parsed.feed).toMatchObject({ language: "en", link: `${app.url}/` });
        expect(parsed.feed.title).toMatch(/^Dispatch News/);
        expect(parsed.feed.links).toContainEqual(expect.objectContaining({ rel: "self", href: `${app.url}${path}.${format}` }));
        expect(Date.parse(parsed.feed.updated!)).toBe(Date.parse("2026-11-24T10:30:00.000Z"));
        const entry = parsed.entries.find((e) => e.title === TRICKY_TITLE)!;
        expect(entry).toBeDefined();
        expect(entry.id).toMatch(/^urn:uuid:/);
        expect(entry.link).toBe("https://news.example.com/tricky?a=1&b=2");
        expect(entry.author).toBe("Jane Doe");
        expect(Date.parse(entry.published!)).toBe(Date.parse("2026-11-24T09:00:00.000Z"));
        expect(Date.parse(entry.updated!)).toBe(Date.parse("2026-11-24T10:30:00.000Z"));
        expect(entry.summary!.replace(/&amp;/g, "&").replace(/&lt;/g, "<")).toBe("Summary with & and < signs");
        expect(entry.enclosures).toContainEqual({ href: "https://img.example.com/talks.jpg", type: "image/jpeg", length: "48213" });
        expect(entry.media_content).toContainEqual(expect.objectContaining({ url: "https://img.example.com/talks.jpg", type: "image/jpeg" }));
        expect(entry.media_credit).toContainEqual({ content: "Press TV" });
        // RSS names the category by its name; Atom by its slug, with the name as its label.
        const terms = entry.tags.map((t) => t.term);
        expect(terms).toEqual(expect.arrayContaining([format === "rss" ? "US News" : "us-news", "iraq", "diplomacy"]));
        if (format === "atom") expect(entry.tags).toContainEqual(expect.objectContaining({ term: "us-news", label: "US News" }));
        // Public feeds carry summaries only.
        expect(entry.content.filter((c) => c.value.includes("Code:"))).toEqual([]);
        if (format === "rss") expect(parsed.feed.image).toBe(`${app.url}/static/feed-icon.png`);
        else expect(parsed.feed).toMatchObject({ icon: `${app.url}/static/feed-icon.png`, logo: `${app.url}/static/feed-logo.png` });
      }
    },
  );

  it("keeps ids stable across edits", async () => {
    const entries = async () => (await feedparser((await get("/feeds/us-news.atom")).body)).entries;
    const before = (await entries()).find((e) => e.title === "An older story")!;
    expect(before.id).toMatch(/^urn:uuid:/);
    await app.admin(`/api/articles/older`, { method: "PATCH", json: { title: "Older, edited" } });
    const edited = (await entries()).find((e) => e.title === "Older, edited")!;
    expect(edited.id).toBe(before.id);
  });

  it("gives rss-parser every field of both XML formats", async () => {
    const parser = new Parser<Record<string, unknown>, { id?: string; author?: string; creator?: string }>({
      customFields: {
        item: [
          ["dc:creator", "creator"],
          ["media:content", "media"],
        ],
      },
    });
    for (const format of ["rss", "atom"]) {
      const feed = await parser.parseString((await get(`/feeds/us-news.${format}`)).text);
      expect(feed.title).toMatch(/US News/);
      const item = feed.items.find((i) => i.title === TRICKY_TITLE)!;
      expect(item).toBeDefined();
      expect(item.link).toBe("https://news.example.com/tricky?a=1&b=2");
      expect(item.isoDate).toBe("2026-11-24T09:00:00.000Z");
      if (format === "rss") {
        expect(item.creator).toBe("Jane Doe");
        expect(item.enclosure).toEqual({ url: "https://img.example.com/talks.jpg", type: "image/jpeg", length: "48213" });
        // rss-parser gives a category with a domain attribute as {_: text, $: {domain}}.
        expect(item.categories!.map((c: string | { _: string }) => (typeof c === "string" ? c : c._))).toEqual(["US News", "iraq", "diplomacy"]);
        expect(item.guid).toMatch(/^urn:uuid:/);
      } else {
        expect(item.id).toMatch(/^urn:uuid:/);
        expect(item.author).toBe("Jane Doe");
      }
    }
  });

  it("serves JSON Feed 1.1 with authors, language, image and tags", async () => {
    const response = await get("/feeds/us-news.json");
    expect(response.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
    const feed = JSON.parse(response.text);
    expect(feed).toMatchObject({
      version: "https://jsonfeed.org/version/1.1",
      home_page_url: `${app.url}/`,
      feed_url: `${app.url}/feeds/us-news.json`,
      language: "en",
      authors: [{ name: "Dispatch News" }],
    });
    const item = feed.items.find((i: { title: string }) => i.title === TRICKY_TITLE);
    expect(item).toMatchObject({
      id: expect.stringMatching(/^urn:uuid:/),
      url: "https://news.example.com/tricky?a=1&b=2",
      summary: "Summary with & and < signs",
      content_text: "Summary with & and < signs",
      image: "https://img.example.com/talks.jpg",
      date_published: "2026-11-24T09:00:00.000Z",
      date_modified: "2026-11-24T10:30:00.000Z",
      authors: [{ name: "Jane Doe", url: `${app.url}/feeds/authors/jane-doe.atom` }],
      tags: ["US News", "iraq", "diplomacy"],
      _media: { credit: "Press TV", alt: "Delegates" },
    });
    expect(item.content_html).toBeUndefined();
  });

  it("carries every element RFC 4287 requires in Atom", async () => {
    const xml = (await get("/feeds/all.atom")).text;
    const head = xml.slice(0, xml.indexOf("<entry>"));
    for (const element of ["<id>", "<title>", "<updated>", "<author>"]) expect(head).toContain(element);
    const entries = xml.split("<entry>").slice(1);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      for (const element of ["<id>", "<title ", "<updated>", "<link href="]) expect(entry).toContain(element);
    }
  });

  it("answers 304 to a matching If-None-Match or If-Modified-Since, with no body", async () => {
    const first = await get("/feeds/tags/iraq.rss");
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^"[^"]+"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=120");
    expect(first.headers["access-control-allow-origin"]).toBe("*");
    expect(first.headers["last-modified"]).toBe(new Date("2026-11-24T10:30:00.000Z").toUTCString());
    const byTag = await get("/feeds/tags/iraq.rss", { "if-none-match": first.headers.etag! });
    expect(byTag.status).toBe(304);
    expect(byTag.raw.length).toBe(0);
    expect(byTag.headers.etag).toBe(first.headers.etag);
    const byDate = await get("/feeds/tags/iraq.rss", { "if-modified-since": first.headers["last-modified"]! });
    expect(byDate.status).toBe(304);
    expect(byDate.raw.length).toBe(0);
    const stale = await get("/feeds/tags/iraq.rss", { "if-none-match": '"something-else"' });
    expect(stale.status).toBe(200);
    const older = await get("/feeds/tags/iraq.rss", { "if-modified-since": new Date("2026-11-24T10:29:00.000Z").toUTCString() });
    expect(older.status).toBe(200);
  });

  it("sends gzip and brotli to clients that accept them, and answers HEAD without a body", async () => {
    const plain = await get("/feeds/all.atom");
    for (const encoding of ["gzip", "br"]) {
      const compressed = await get("/feeds/all.atom", { "accept-encoding": encoding });
      expect(compressed.headers["content-encoding"]).toBe(encoding);
      expect(compressed.raw.length).toBeLessThan(plain.raw.length);
      expect(compressed.text).toBe(plain.text);
      expect(compressed.headers.vary).toBe("Accept-Encoding");
      const revalidated = await get("/feeds/all.atom", { "accept-encoding": encoding, "if-none-match": compressed.headers.etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.etag).toBe(compressed.headers.etag);
    }
    const head = await request(`${app.url}/feeds/all.atom`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.raw.length).toBe(0);
    expect(head.headers["content-length"]).toBe(String(plain.raw.length));
    expect(head.headers.etag).toBe(plain.headers.etag);
  });

  it("pages by RFC 5005 with first/next/previous/last links, and 404s past the last page", async () => {
    const first = await feedparser((await get("/feeds/paged.atom")).body);
    expect(first.entries.map((e) => e.title)).toHaveLength(3);
    const rels = (links: Array<{ rel: string | null; href: string | null }>) =>
      Object.fromEntries(links.filter((l) => l.rel !== "alternate").map((l) => [l.rel, l.href]));
    expect(rels(first.feed.links)).toMatchObject({
      self: `${app.url}/feeds/paged.atom`,
      first: `${app.url}/feeds/paged.atom`,
      next: `${app.url}/feeds/paged.atom?page=2`,
      last: `${app.url}/feeds/paged.atom?page=3`,
    });
    const second = await feedparser((await get("/feeds/paged.rss?page=2")).body);
    expect(second.bozo).toBe(0);
    expect(rels(second.feed.links)).toMatchObject({
      self: `${app.url}/feeds/paged.rss?page=2`,
      previous: `${app.url}/feeds/paged.rss`,
      next: `${app.url}/feeds/paged.rss?page=3`,
      last: `${app.url}/feeds/paged.rss?page=3`,
    });
    const titles = [...first.entries, ...second.entries, ...(await feedparser((await get("/feeds/paged.atom?page=3")).body)).entries].map((e) => e.title);
    expect(new Set(titles).size).toBe(7);
    const json = JSON.parse((await get("/feeds/paged.json?page=2")).text);
    expect(json.next_url).toBe(`${app.url}/feeds/paged.json?page=3`);
    expect(JSON.parse((await get("/feeds/paged.json?page=3")).text).next_url).toBeUndefined();
    expect((await get("/feeds/paged.atom?page=4")).status).toBe(404);
    const bad = await get("/feeds/paged.atom?page=abc");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: "feeds: invalid page", fields: { page: "must be a whole number, 1 or more" } });
  });

  it("shows an edit in exactly the feeds the article is in, and nowhere else", async () => {
    await post(article({ slug: "mover", title: "Mover v1", category: "world", tags: ["moving"], author: "Kim Lee" }));
    const world = await get("/feeds/world.rss");
    const military = await get("/feeds/us-military.rss");
    const newsTag = (await get("/feeds/us-news.rss")).headers.etag;
    expect(world.text).toContain("Mover v1");

    await app.admin("/api/articles/mover", { method: "PATCH", json: { title: "Mover v2", category: "us-military" } });
    expect((await get("/feeds/world.rss")).text).not.toContain("Mover");
    expect((await get("/feeds/us-military.rss")).text).toContain("Mover v2");
    expect((await get("/feeds/tags/moving.rss")).text).toContain("Mover v2");
    expect((await get("/feeds/authors/kim-lee.atom")).text).toContain("Mover v2");
    expect((await get("/feeds/all.json")).text).toContain("Mover v2");
    expect((await get("/feeds/us-news.rss", { "if-none-match": newsTag! })).status).toBe(304);
    expect((await get("/feeds/us-military.rss", { "if-none-match": military.headers.etag! })).status).toBe(200);

    await app.admin("/api/articles/mover", { method: "DELETE" });
    expect((await get("/feeds/us-military.rss")).text).not.toContain("Mover");
    expect((await get("/feeds/all.atom")).text).not.toContain("Mover");
  });

  it("shows a renamed category in its feed at once", async () => {
    expect((await get("/feeds/world.atom")).text).toContain("<title>Dispatch News: World</title>");
    await app.admin("/api/categories", { method: "POST", json: { slug: "world", name: "World & Nation", description: "Around the globe." } });
    expect((await get("/feeds/world.atom")).text).toContain("<title>Dispatch News: World &amp; Nation</title>");
    await app.admin("/api/categories", { method: "POST", json: { slug: "world", name: "World", description: "Around the globe." } });
  });

  it.each([
    ["/feeds/sports.rss", 404],
    ["/feeds/tags/nothing.atom", 404],
    ["/feeds/authors/nobody.json", 404],
    ["/feeds/us-news.xml", 404],
    ["/feeds/US-News.rss", 404],
  ])("answers %s with %i and a JSON error", async (path, status) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.text)).toEqual({ error: expect.stringContaining("no feed at") });
  });

  it("refuses methods other than GET and HEAD", async () => {
    const response = await request(`${app.url}/feeds/all.rss`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET, HEAD");
  });

  it("keeps GET /categories' shape", async () => {
    const list = await (await fetch(`${app.url}/categories`)).json();
    expect(list).toContainEqual({
      slug: "us-news",
      name: "US News",
      description: "Across the country.",
      feeds: { rss: `${app.url}/feeds/us-news.rss`, atom: `${app.url}/feeds/us-news.atom`, json: `${app.url}/feeds/us-news.json` },
    });
  });
});
