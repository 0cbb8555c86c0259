// Entry shapes rss-parser cannot read on its own: inline XHTML and plain-text Atom constructs, RSS
// XHTML bodies, JSON Feed 1.0/1.1, and entries that share an id or a link. Fetched from a real
// server, parsed in the worker pool, normalized.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type Fetcher } from "#src/feeds-in/fetch.js";
import { createParsePool, type ParsePool } from "#src/feeds-in/parse.js";
import { feedBase, normalizeFeed } from "#src/feeds-in/normalize.js";
import { FIXTURES, fixture, rss, serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";

const partner = { name: "Wire", category: "world", categoryMap: {}, fullContent: true };

describe("partner entry shapes", () => {
  let server: FeedServer;
  let fetcher: Fetcher;
  let pool: ParsePool;

  const pull = async (body: string | Buffer, type = "application/xml") => {
    const path = `/feed-${Math.random().toString(36).slice(2)}`;
    server.route(path, serve(body, { type }));
    const fetched = await fetcher.fetchFeed({ url: `${server.url}${path}`, etag: null, lastModified: null, allowPrivateNetwork: true });
    if (fetched.status !== "ok") throw new Error("expected a body");
    const parsed = await pool.parse(fetched.text, fetched.contentType);
    return normalizeFeed(parsed.feed, { partner, base: feedBase(fetched.text, fetched.finalUrl), fetchedAt: new Date() });
  };
  const corpus = (name: string) => fixture(`corpus/${name}`);

  beforeAll(async () => {
    server = await startFeedServer();
    fetcher = createFetcher({ timeoutMs: 5000, maxBytes: 1024 * 1024, maxRedirects: 5, userAgent: "test", fileRoot: FIXTURES });
    pool = createParsePool({ workers: 1, timeoutMs: 10_000, maxMemoryMb: 128 });
  });
  afterAll(async () => {
    await pool.close();
    await fetcher.close();
    await server.close();
  });

  describe("inline XHTML", () => {
    it.each([["atom10-xhtml-title.xml"], ["atom03-xml-mode.xml"]])("%s: reads an XHTML title as plain text, markup in its text kept as text", async (name) => {
      const { items, skipped } = await pull(corpus(name));
      expect(skipped).toEqual([]);
      expect(items[0]).toMatchObject({ title: "History of the <blink> tag", summary: expect.stringMatching(/1994/) });
      expect(items[0]!.body).toMatch(/<p>.*<b>1994<\/b>.*<\/p>/);
    });

    it("drops the wrapper div, namespace prefixes and declarations, keeps the markup as HTML", async () => {
      const { items } = await pull(corpus("atom10-xhtml-title.xml"));
      expect(items[1]!.title).toBe("The <marquee> element & its many imitators");
      expect(items[1]!.body).toContain(`<p>Scrolling text, <a href="/marquee/demo">demonstrated</a>.</p>`);
      expect(items[1]!.body).toContain("<br />Mostly.");
      expect(items[1]!.body).not.toMatch(/xmlns|<div/);
      const prefixed = await pull(corpus("atom10-xhtml-prefixed.xml"));
      expect(prefixed.items[0]).toMatchObject({ title: "Ports & harbours of the north", body: "<p>Twelve ports, <em>one</em> coastline.</p>" });
    });

    it("falls back to the entry's text when its XHTML title is empty", async () => {
      const { items } = await pull(corpus("atom10-xhtml-title.xml"));
      expect(items[2]!.title).toBe("An entry with an empty XHTML title and a body of its…");
    });

    it.each([["rss20-xhtml-body.xml"], ["rss20-body-default-namespace.xml"]])("%s: reads an RSS item's XHTML body as its text", async (name) => {
      const { items, skipped } = await pull(corpus(name));
      expect(skipped).toEqual([]);
      expect(items).toHaveLength(2);
      for (const item of items) expect(item.body).toMatch(/^<p>/);
      expect(items.map((i) => i.title)).toContain(
        name === "rss20-xhtml-body.xml"
          ? "An untitled note whose only text is its XHTML body, read by…"
          : "The harbour wall repairs will take until spring, the council said on…",
      );
    });
  });

  describe("plain-text Atom constructs", () => {
    it("shows a title without a type, or of type text, exactly as written, tags and all", async () => {
      const { items } = await pull(corpus("atom10-text-title.xml"));
      expect(items.map((i) => i.title)).toEqual(["Why <br> is not a paragraph", "Templates: {{ name }} & <%= name %>", "The <canvas> element, explained"]);
      expect(items[0]).toMatchObject({ summary: "Plain text: 1 < 2 && 3 > 2.", body: "Plain text: 1 &lt; 2 &amp;&amp; 3 &gt; 2." });
    });

    it("still reads type html as HTML", async () => {
      const { items } = await pull(corpus("atom10-html-title.xml"));
      expect(items.map((i) => i.title)).toEqual(["Northern Lights wins at the festival", "Cast & crew of The Ferry reunite"]);
    });
  });

  describe("links", () => {
    it("resolves an entry's links against its own xml:base, else the feed's", async () => {
      const { items } = await pull(corpus("atom10-xml-base.xml"));
      expect(items.map((i) => [i.link, i.base])).toEqual([
        ["https://base-times.example/blog/2026/11/relative-links", "https://base-times.example/blog/"],
        ["https://base-times.example/archive/old-post", "https://base-times.example/archive/"],
        ["https://base-times.example/blog/2026/11/no-title", "https://base-times.example/blog/"],
      ]);
      expect(items[0]!.image).toMatchObject({ url: "https://base-times.example/blog/img/chart.png" });
    });

    it("takes an Atom entry's alternate link, never its self, edit, replies or enclosure link; else an http(s) id", async () => {
      const { items } = await pull(corpus("atom10-links.xml"));
      expect(items.map((i) => i.link)).toEqual([
        "https://linked-weekly.example/five-links",
        "https://linked-weekly.example/no-rel",
        "https://linked-weekly.example/only-self",
      ]);
    });
  });

  describe("JSON Feed", () => {
    it.each([
      ["jsonfeed10-basic.json", "application/feed+json"],
      ["jsonfeed10-basic.json", "application/json; charset=utf-8"],
      ["jsonfeed10-basic.json", "text/plain"],
      ["jsonfeed10-basic.json", "application/octet-stream"],
    ])("reads %s served as %s", async (name, type) => {
      const { items, skipped } = await pull(corpus(name), type);
      expect(skipped).toEqual([]);
      expect(items[0]).toMatchObject({
        itemId: "https://island-radio.example/news/ferry-cancelled",
        title: "Evening ferry cancelled because of gales",
        link: "https://island-radio.example/news/ferry-cancelled",
        summary: "The 18:30 sailing will not run.",
        author: "Ewan Mackay",
        tags: ["Transport", "Weather"],
        publishedAt: "2026-11-24T16:05:00.000Z",
      });
      expect(items[0]!.body).toMatch(/^<p>The 18:30 sailing will not run\. <a href=/);
      // The feed's author stands in for an item's own; content_text becomes paragraphs.
      expect(items[1]).toMatchObject({ author: "Island Radio Newsroom", body: "<p>More than 300 people came.</p><p>The band played until two.</p>" });
    });

    it("reads JSON Feed 1.1: authors, attachments, images, external URLs, numeric ids", async () => {
      const basic = await pull(corpus("jsonfeed11-basic.json"), "application/feed+json");
      expect(basic.items[0]).toMatchObject({ author: "Rhiannon Price, Dev Patel", tags: ["budget", "council"], publishedAt: "2026-11-24T09:00:00.000Z" });
      const podcast = await pull(corpus("jsonfeed11-attachments.json"), "application/feed+json");
      expect(podcast.items[0]!.image).toMatchObject({ url: "https://tideline-podcast.example/art/58.jpg" });
      const links = await pull(corpus("jsonfeed11-external-url.json"), "application/feed+json");
      expect(links.items.map((i) => i.link)).toEqual(["https://another-site.example/long-read/harbours", "https://links-worth.example/310"]);
      const numeric = await pull(corpus("jsonfeed10-application-json.json"), "application/json");
      expect(numeric.items.map((i) => i.itemId)).toEqual(["1043", "1042"]);
    });

    it("keeps plain-text titles as written: nothing in them is markup", async () => {
      const { items } = await pull(corpus("jsonfeed10-application-json.json"), "application/json");
      expect(items[1]!.title).toBe("Tom & Jerry, 5 < 6, and other plain text");
      expect(items[1]!.body).toBe("<p>JSON Feed titles are plain text: nothing here is markup.</p>");
      const escaped = await pull(
        JSON.stringify({ version: "https://jsonfeed.org/version/1.1", items: [{ id: "x", title: "Use <b> for bold" }] }),
        "application/feed+json",
      );
      expect(escaped.items[0]!.title).toBe("Use <b> for bold");
    });

    it("drops fields of the wrong type, not the item, and skips an item with nothing to show", async () => {
      const { items, skipped } = await pull(corpus("jsonfeed11-missing-fields.json"), "application/feed+json");
      expect(items.map((i) => i.itemId)).toEqual(["sp-4", "sp-3", "sp-2", "sp-0"]);
      expect(items[3]).toMatchObject({ title: "Fields of the wrong type are dropped, not the item.", link: null, tags: [] });
      expect(skipped).toEqual([{ item: "sp-1", reason: "no title, text or link" }]);
    });

    it.each([
      ['{"items": {"a": 1}}', "parse: JSON, but not a JSON Feed: items must be an array"],
      ['{"version": "https://example.org/other", "items": []}', "parse: JSON, but not a JSON Feed: version is not a jsonfeed.org version"],
      ["[1, 2, 3]", "parse: JSON, but not a JSON Feed: the document"],
      ['{"version": "https://jsonfeed.org/version/1.1", "items": [', "parse: not valid JSON: "],
    ])("refuses %s with a clear error", async (body, message) => {
      await expect(pull(body, "application/feed+json")).rejects.toThrow(message);
    });
  });

  describe("entries that share an id or a link", () => {
    it("keeps an entry repeated verbatim once and says so", async () => {
      const { items, skipped } = await pull(corpus("rss20-duplicate-entries.xml"));
      expect(items.map((i) => i.itemId)).toEqual(["cs-7781", "cs-7779"]);
      expect(skipped).toEqual([{ item: "cs-7781", reason: "the same entry appears twice in the feed" }]);
    });

    it("gives entries that share a guid (a CMS default) ids of their own, from their links", async () => {
      const { items, skipped } = await pull(corpus("rss20-shared-guid.xml"));
      expect(skipped).toEqual([]);
      expect(items.map((i) => i.itemId)).toEqual([
        "https://townhall-press.example/press/bin-collections",
        "https://townhall-press.example/press/parking-charges",
        "https://townhall-press.example/press/footbridge",
      ]);
    });

    it("keeps entries that share a link apart, and says the link is shared", async () => {
      const { items } = await pull(corpus("rss20-shared-link.xml"));
      expect(items.map((i) => [i.itemId, i.uniqueLink])).toEqual([
        ["live-update-3", false],
        ["live-update-2", false],
        ["live-update-1", false],
      ]);
    });

    it("gives entries that share both an id and a link, but differ, ids from their content", async () => {
      const feed = rss([
        { guid: "same", title: "Morning edition", link: "https://partner.example/" },
        { guid: "same", title: "Evening edition", link: "https://partner.example/" },
      ]);
      const { items, skipped } = await pull(feed);
      expect(skipped).toEqual([]);
      expect(items.map((i) => i.title)).toEqual(["Morning edition", "Evening edition"]);
      expect(new Set(items.map((i) => i.itemId)).size).toBe(2);
      for (const item of items) expect(item.itemId).toMatch(/^sha256:/);
    });
  });
});
