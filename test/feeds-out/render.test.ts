// The renderers on their own: the feed@6 gaps closed (control characters, "]]>", bad dates,
// relative URLs, the clock in the ETag), read back by feedparser.
import { describe, expect, it } from "vitest";
import type { Article } from "#src/model.js";
import { buildFeed, type FeedSite } from "#src/feeds-out/build.js";
import { renderFeed } from "#src/feeds-out/render.js";
import type { FeedFormat } from "#src/feeds-out/types.js";
import { feedparser } from "#test/support/feedparser.js";
import { daysBefore, FEED_NOW, storedArticle, worldFeed } from "#test/support/feed-contents.js";

const site: FeedSite = { baseUrl: "https://news.example.com", publisherName: "Dispatch News", language: "en", hubUrl: null };

function render(articles: Article[], format: FeedFormat, options: { scope?: "public" | "partner"; now?: Date } = {}) {
  const contents = worldFeed({ scope: options.scope ?? "public", articles });
  return renderFeed(buildFeed(site, contents, format, options.now ?? FEED_NOW), format);
}

describe("feed rendering", () => {
  it.each(["rss", "atom"] as const)("drops control characters that would make %s ill-formed", async (format) => {
    const feed = render([storedArticle({ title: "Bell\u0007 and null\u0000 here", summary: "Tab\tstays\u001b", body: "<p>x\u0001y</p>" })], format, {
      scope: "partner",
    });
    const parsed = await feedparser(feed.body);
    expect(parsed.bozo, parsed.bozo_exception).toBe(0);
    expect(parsed.entries[0]!.title).toBe("Bell and null here");
    expect(parsed.entries[0]!.content[0]!.value).toBe("<p>xy</p>");
  });

  it.each(["rss", "atom"] as const)("keeps every ]]> of a %s body and title intact", async (format) => {
    const feed = render([storedArticle({ title: "a ]]> b ]]> c", body: "<p>1 ]]> 2 ]]> 3 ]]></p>" })], format, { scope: "partner" });
    const parsed = await feedparser(feed.body);
    expect(parsed.bozo, parsed.bozo_exception).toBe(0);
    expect(parsed.entries[0]!.title).toBe("a ]]> b ]]> c");
    expect(parsed.entries[0]!.content[0]!.value).toBe("<p>1 ]]> 2 ]]> 3 ]]></p>");
  });

  it.each(["rss", "atom", "json"] as const)("never prints Invalid Date in %s: a bad updated time falls back to published", (format) => {
    const text = render([storedArticle({ updatedAt: "not a date" })], format).body.toString();
    expect(text).not.toContain("Invalid Date");
    const published = storedArticle().publishedAt;
    expect(text).toContain(format === "rss" ? new Date(published).toUTCString() : published);
  });

  it("leaves out an RSS enclosure of unknown length (the validator rejects length 0) but keeps media:content", () => {
    const text = render(
      [storedArticle({ image: { url: "https://img.example.com/a.png", alt: "", credit: "AP", type: null, length: null } })],
      "rss",
    ).body.toString();
    expect(text).not.toContain("<enclosure");
    expect(text).toContain('<media:content url="https://img.example.com/a.png" type="image/png" medium="image">');
  });

  it.each(["rss", "atom", "json"] as const)("makes relative URLs absolute in %s instead of throwing", (format) => {
    const text = render(
      [storedArticle({ canonicalUrl: "/articles/s", image: { url: "/static/demo/1.svg", alt: "", credit: "", type: null, length: null } })],
      format,
    ).body.toString();
    expect(text).toContain("https://news.example.com/articles/s");
    expect(text).toContain("https://news.example.com/static/demo/1.svg");
    expect(text).toContain("image/svg+xml");
  });

  it.each(["rss", "atom", "json"] as const)("renders the same %s bytes and ETag whatever the clock says", (format) => {
    const a = render([storedArticle()], format, { now: FEED_NOW });
    const b = render([storedArticle()], format, { now: new Date(FEED_NOW.getTime() + 37 * 86_400_000 + 45_296_000) });
    expect(b.body.equals(a.body)).toBe(true);
    expect(b.etag).toBe(a.etag);
    expect(a.lastModified).toBe(new Date(storedArticle().updatedAt).toUTCString());
    const empty = render([], format, { now: new Date() });
    expect(render([], format, { now: new Date(0) }).etag).toBe(empty.etag);
    expect(empty.lastModified).toBe(new Date(worldFeed().emptyUpdated!).toUTCString());
  });

  it("takes the newest updated time of the page for the feed and Last-Modified", () => {
    const feed = render(
      [
        storedArticle({ id: "urn:uuid:1", updatedAt: daysBefore(1, 9.5) }),
        storedArticle({ id: "urn:uuid:2", publishedAt: daysBefore(5), updatedAt: daysBefore(0, 8) }),
      ],
      "atom",
    );
    expect(feed.lastModified).toBe(new Date(daysBefore(0, 8)).toUTCString());
    expect(feed.body.toString()).toMatch(new RegExp(`<feed[^>]*>\\s*<id>[^<]+</id>\\s*<title>[^<]+</title>\\s*<updated>${daysBefore(0, 8)}</updated>`));
  });
});
