// Every feed format and charset, fetched from a real server, parsed in the worker pool, normalized.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type Fetcher } from "#src/feeds-in/fetch.js";
import { createParsePool, type ParsePool } from "#src/feeds-in/parse.js";
import { feedBase, normalizeFeed } from "#src/feeds-in/normalize.js";
import { FIXTURES, fixture, serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";

const partner = { name: "Wire", category: "world", categoryMap: { diplomacy: "us-military" }, fullContent: true };
const fetchedAt = new Date("2026-11-25T00:00:00Z");

describe("partner feed formats and charsets", () => {
  let server: FeedServer;
  let fetcher: Fetcher;
  let pool: ParsePool;

  const pull = async (name: string, type = "application/xml") => {
    server.route(`/${name}`, serve(fixture(name), { type }));
    const fetched = await fetcher.fetchFeed({ url: `${server.url}/${name}`, etag: null, lastModified: null, allowPrivateNetwork: true });
    if (fetched.status !== "ok") throw new Error("expected a body");
    const parsed = await pool.parse(fetched.text);
    return normalizeFeed(parsed.feed, { partner, base: feedBase(fetched.text, fetched.finalUrl), fetchedAt });
  };

  beforeAll(async () => {
    server = await startFeedServer();
    fetcher = createFetcher({ timeoutMs: 5000, maxBytes: 1024 * 1024, maxRedirects: 5, userAgent: "test", fileRoot: FIXTURES });
    pool = createParsePool({ workers: 2, timeoutMs: 10_000, maxMemoryMb: 128 });
  });
  afterAll(async () => {
    await pool.close();
    await fetcher.close();
    await server.close();
  });

  it.each([
    ["rss091.xml", { itemId: "https://old.example/one", title: "An RSS 0.91 item", link: "https://old.example/one", summary: "Text of the old item." }],
    [
      "rss10.xml",
      { itemId: "https://rdf.example/one", title: "An RSS 1.0 item", author: "Rdf Author", category: "us-military", publishedAt: "2026-11-24T07:00:00.000Z" },
    ],
    ["rss-noversion.xml", { title: "An item from an rss without version", link: "https://nov.example/one" }],
    [
      "atom03.xml",
      { itemId: "tag:atom03.example,2026:1", title: "An Atom 0.3 entry", link: "https://atom03.example/one", publishedAt: "2026-11-24T05:00:00.000Z" },
    ],
    [
      "odd-prefixes.xml",
      {
        title: "Namespaces under other prefixes",
        author: "Odd Author",
        body: "<p>The full text under c:encoded.</p>",
        image: { url: "https://cdn.odd.example/one.jpg" },
      },
    ],
    ["atom-prefixed.xml", { itemId: "urn:prefixed:1", title: "A prefixed Atom entry", publishedAt: "2026-11-24T05:00:00.000Z" }],
  ])("reads %s", async (name, expected) => {
    const { items, skipped } = await pull(name);
    expect(skipped).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject(expected);
  });

  it("reads Atom 1.0: html titles as text, links and images resolved against xml:base, categories mapped", async () => {
    const { items } = await pull("atom10.xml", "application/atom+xml");
    expect(items[0]).toMatchObject({
      itemId: "tag:atom.example,2026:1",
      title: "Atom entry one",
      link: "https://atom.example/blog/posts/one",
      author: "Atom Author",
      category: "us-military",
      summary: "Summary of the Atom entry.",
      publishedAt: "2026-11-24T04:00:00.000Z",
      image: { url: "https://atom.example/blog/pics/one.jpg", credit: "Wire", alt: "Atom entry one" },
      tags: ["Diplomacy"],
    });
  });

  it("takes an Atom entry's lead image from its enclosure link, and ignores enclosures that are not images", async () => {
    const { items } = await pull("atom-enclosure.xml", "application/atom+xml");
    expect(items.map((i) => [i.link, i.image])).toEqual([
      [
        "https://enclosure.example/news/posts/one",
        {
          url: "https://enclosure.example/news/media/lead-one.jpg",
          type: "image/jpeg",
          length: 48213,
          alt: "An entry with its lead image as an enclosure link",
          credit: "Wire",
        },
      ],
      ["https://enclosure.example/news/posts/two", null],
    ]);
  });

  it("reads RSS 2.0: ttl, guid, entities in titles, mixed category shapes", async () => {
    const { items, ttlMinutes } = await pull("rss2.xml");
    expect(ttlMinutes).toBe(30);
    expect(items.map((i) => i.itemId)).toEqual(["pw-1", "https://partner.example/2026/11/second", "https://partner.example/2026/11/third"]);
    expect(items[0]!.title).toBe("Talks & hopes — in Geneva");
    expect(items[0]!.category).toBe("us-military");
    expect(items[1]!.category).toBe("world");
    expect(items.map((i) => i.tags)).toEqual([["Diplomacy"], ["Sport"], []]);
  });

  it.each([
    ["latin1.xml", "text/xml; charset=ISO-8859-1", "Café à Zürich - naïve", "Crème brûlée"],
    ["win1252.xml", "text/xml", "“Quoted” costs €5 — café", "It’s fine"],
    ["utf16le.xml", "application/xml", "日本語のタイトル – Ελληνικά", "Ünïcödé"],
    ["utf16be.xml", "application/xml", "Привет, мир", "Текст"],
  ])("decodes %s (%s) right", async (name, type, title, summary) => {
    const { items } = await pull(name, type);
    expect(items[0]).toMatchObject({ title, summary });
  });

  it("stops a parse that takes too long and stays usable", async () => {
    const impatient = createParsePool({ workers: 1, timeoutMs: 1, maxMemoryMb: 64 });
    const big = `<rss version="2.0"><channel>${"<item><title>x</title></item>".repeat(20000)}</channel></rss>`;
    await expect(impatient.parse(big)).rejects.toThrow(/parse: took longer than/);
    await impatient.close();
    const { feed } = await pool.parse(fixture("rss091.xml").toString());
    expect(feed.items).toHaveLength(1);
  });

  it("stops a parse that runs out of memory in its worker, and the pool carries on", async () => {
    const small = createParsePool({ workers: 1, timeoutMs: 60_000, maxMemoryMb: 16 });
    const item = "<item><title>xxxxxxxxxxxxxxxxxxxx</title><description>yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy</description></item>";
    await expect(small.parse(`<rss version="2.0"><channel>${item.repeat(100_000)}</channel></rss>`)).rejects.toThrow(/parse: feed too large to parse/);
    const { feed } = await small.parse(fixture("rss091.xml").toString());
    expect(feed.items).toHaveLength(1);
    await small.close();
  });
});
