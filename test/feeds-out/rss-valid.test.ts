// RSS 2.0 as the W3C Feed Validation Service wants it: every channel element before the first item,
// and none of the errors or warnings it gives for what Dispatch writes (test/support/rss-rules.ts).
import { describe, expect, it } from "vitest";
import type { Article } from "#src/model.js";
import { buildFeed } from "#src/feeds-out/build.js";
import { renderFeed } from "#src/feeds-out/render.js";
import { rssProblems } from "#test/support/rss-rules.js";
import { childrenNamed, xmlTree } from "#test/support/xml-tree.js";
import { TRICKY_TEXTS } from "#test/support/tricky.js";
import { articleWithText, FEED_NOW, worldFeed } from "#test/support/feed-contents.js";

const site = { baseUrl: "https://news.example.com", publisherName: "Dispatch News", language: "en", hubUrl: "https://hub.example.com/" };

function stored(n: number, text: string): Article {
  return articleWithText(n, text, { body: `<p>Body of ${n} &amp; more</p>`, tags: [text, "iraq"] });
}

function rss(options: { scope?: "public" | "partner"; page?: number; hubUrl?: string | null; articles?: Article[] } = {}): string {
  const contents = worldFeed({
    scope: options.scope ?? "public",
    subject: "World & <Friends>",
    description: "Around the globe & back",
    articles: options.articles ?? Object.values(TRICKY_TEXTS).map((t, i) => stored(i + 1, t)),
    page: options.page ?? 2,
    lastPage: 3,
  });
  const doc = buildFeed({ ...site, hubUrl: options.hubUrl === undefined ? site.hubUrl : options.hubUrl }, contents, "rss", FEED_NOW);
  return renderFeed(doc, "rss").body.toString();
}

describe("RSS validity", () => {
  it("puts every channel element, its atom:links included, before the first item", async () => {
    const channel = childrenNamed(await xmlTree(rss()), "channel")[0]!;
    const names = channel.children.map((c) => c.name);
    const firstItem = names.indexOf("item");
    expect(firstItem).toBeGreaterThan(0);
    expect(names.slice(firstItem).every((n) => n === "item")).toBe(true);
    expect(childrenNamed(channel, "atom:link").map((l) => l.attrs.rel)).toEqual(["self", "first", "last", "next", "previous", "hub"]);
  });

  it.each([
    ["a public page in the middle, with a hub", {}],
    ["a partner feed with full content", { scope: "partner" as const }],
    ["the first page, no hub", { page: 1, hubUrl: null }],
    ["an empty feed", { page: 1, articles: [] }],
  ])("gives none of the validator's errors or warnings for %s", async (_label, options) => {
    expect(await rssProblems(rss(options))).toEqual([]);
  });

  it("states a self link of the RSS type, guids that are not permalinks, and RFC 822 dates", async () => {
    const channel = childrenNamed(await xmlTree(rss()), "channel")[0]!;
    expect(childrenNamed(channel, "atom:link")[0]!.attrs).toEqual({
      rel: "self",
      href: "https://news.example.com/feeds/world.rss?page=2",
      type: "application/rss+xml",
    });
    const item = childrenNamed(channel, "item")[0]!;
    expect(childrenNamed(item, "guid")[0]).toMatchObject({ attrs: { isPermaLink: "false" }, text: "urn:uuid:9b2b6d1e-0000-4000-8000-000000000001" });
    expect(childrenNamed(item, "pubDate")[0]!.text).toBe(new Date(articleWithText(1, "x").publishedAt).toUTCString());
    expect(childrenNamed(item, "author")).toEqual([]);
    expect(childrenNamed(item, "dc:creator")[0]!.text).toBe(TRICKY_TEXTS.markupWord);
  });

  it("writes plain text with hexadecimal references, as the RSS profile asks", () => {
    const xml = rss();
    expect(xml).toContain("<title>The &#x3C;blink&#x3E; tag turns 30</title>");
    expect(xml).toContain("<title>AT&#x26;amp;T</title>");
  });

  it("flags what the validator flags (the rules are live)", async () => {
    const misplaced =
      '<?xml version="1.0"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://x.example/</link><description>D</description><language>en</language>\n<item><title>A &amp;amp; B</title><guid isPermaLink="true">urn:uuid:1</guid><author>Jane</author><pubDate>Tue, 24 Nov 2026 9:00:00 +0000</pubDate></item>\n<atom:link rel="self" href="https://x.example/f.rss" type="application/rss+xml"/></channel></rss>';
    expect(await rssProblems(misplaced)).toEqual([
      "MisplacedItem: <atom:link> after the first <item>",
      "InvalidPermalink",
      "InvalidContact: <author>Jane",
      "InvalidRFC2822Date: <pubDate>Tue, 24 Nov 2026 9:00:00 +0000",
      "ContainsHTML (entity): <title>A &amp; B",
    ]);
  });
});
