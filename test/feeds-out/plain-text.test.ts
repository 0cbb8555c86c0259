// Plain text (titles, summaries, authors, tags, image alt and credit) in every feed format: escaped,
// never stripped, and read back as written by two parsers that are not the generator.
import { decodeHTML } from "entities";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { buildFeed } from "#src/feeds-out/build.js";
import { renderFeed } from "#src/feeds-out/render.js";
import type { FeedFormat } from "#src/feeds-out/types.js";
import { feedparser } from "#test/support/feedparser.js";
import { articleWithText, FEED_NOW, worldFeed } from "#test/support/feed-contents.js";
import { TRICKY_TEXTS } from "#test/support/tricky.js";

const site = { baseUrl: "https://news.example.com", publisherName: "Dispatch & Sons <News>", language: "en", hubUrl: "https://hub.example.com/" };

const TEXTS = Object.values(TRICKY_TEXTS);

function render(format: FeedFormat): string {
  const contents = worldFeed({
    subject: "World & <Friends>",
    description: "Around the globe & back <again>",
    emptyUpdated: null,
    categoryNames: new Map([["world", "World & <Friends>"]]),
    articles: TEXTS.map((t, i) => articleWithText(i + 1, t)),
    lastPage: 2,
  });
  return renderFeed(buildFeed(site, contents, format, FEED_NOW), format).body.toString();
}

describe("plain text in feeds", () => {
  it.each(["rss", "atom"] as const)("reads back every %s text field as written with feedparser", async (format) => {
    const parsed = await feedparser(render(format));
    expect(parsed.bozo, parsed.bozo_exception).toBe(0);
    expect(parsed.feed.title).toBe("Dispatch & Sons <News>: World & <Friends>");
    expect(parsed.entries.map((e) => e.title)).toEqual(TEXTS);
    expect(parsed.entries.map((e) => e.author)).toEqual(TEXTS);
    // An RSS description is HTML: the summary comes back once its entities are decoded.
    expect(parsed.entries.map((e) => (format === "rss" ? decodeHTML(e.summary ?? "") : e.summary))).toEqual(TEXTS);
    expect(parsed.entries.map((e) => e.media_credit[0]?.content)).toEqual(TEXTS);
    expect(parsed.entries.map((e) => e.tags.map((t) => (format === "rss" ? t.term : t.label)))).toEqual(TEXTS.map((t) => ["World & <Friends>", t]));
  });

  it.each(["rss", "atom"] as const)("reads back every %s text field as written with rss-parser", async (format) => {
    const parser = new Parser<
      Record<string, unknown>,
      { creator?: string; author?: string; media?: { "media:credit": string[]; "media:description": string[] } }
    >({
      customFields: {
        item: [
          ["dc:creator", "creator"],
          ["media:content", "media"],
        ],
      },
    });
    const feed = await parser.parseString(render(format));
    expect(feed.title).toBe("Dispatch & Sons <News>: World & <Friends>");
    expect(feed.items.map((i) => i.title)).toEqual(TEXTS);
    expect(feed.items.map((i) => (format === "rss" ? i.creator : i.author))).toEqual(TEXTS);
    expect(feed.items.map((i) => (format === "rss" ? decodeHTML(i.content ?? "") : i.summary))).toEqual(TEXTS);
    if (format === "rss") {
      expect(feed.items.map((i) => i.media?.["media:credit"]?.[0])).toEqual(TEXTS);
      expect(feed.items.map((i) => i.media?.["media:description"]?.[0])).toEqual(TEXTS);
      expect(feed.items.map((i) => (i.categories as unknown as Array<{ _: string }>).map((c) => c._))).toEqual(TEXTS.map((t) => ["World & <Friends>", t]));
    }
  });

  it("carries plain text as-is in JSON Feed", () => {
    const feed = JSON.parse(render("json"));
    expect(feed.title).toBe("Dispatch & Sons <News>: World & <Friends>");
    expect(feed.items.map((i: { title: string }) => i.title)).toEqual(TEXTS);
    expect(feed.items.map((i: { summary: string }) => i.summary)).toEqual(TEXTS);
    expect(feed.items.map((i: { content_text: string }) => i.content_text)).toEqual(TEXTS);
    expect(feed.items.map((i: { authors: Array<{ name: string }> }) => i.authors[0]!.name)).toEqual(TEXTS);
    expect(feed.items.map((i: { tags: string[] }) => i.tags)).toEqual(TEXTS.map((t) => ["World & <Friends>", t]));
    expect(feed.items.map((i: { _media: unknown }) => i._media)).toEqual(TEXTS.map((t) => ({ credit: t, alt: t })));
  });

  it.each(["rss", "atom"] as const)("never writes a title's markup-like words as markup in %s", (format) => {
    const xml = render(format);
    expect(xml).not.toContain("<blink>");
    expect(xml).not.toMatch(/<b>/);
    expect(xml).not.toContain("<![CDATA[The <blink>");
  });
});
