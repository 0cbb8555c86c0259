// "The website" of a feed, as readers pick it: RSS <channel><link>, every Atom feed-level
// rel="alternate" link (readers take the first, the last or any), JSON Feed home_page_url. Each must
// be a page of the site, never one of the feed's other formats.
import { describe, expect, it } from "vitest";
import { buildFeed, type FeedSite } from "#src/feeds-out/build.js";
import { renderFeed } from "#src/feeds-out/render.js";
import { FEED_FORMATS, type FeedFormat, type FeedKind, type FeedScope } from "#src/feeds-out/types.js";
import { feedRef } from "#src/feeds-out/urls.js";
import { childrenNamed, xmlTree } from "#test/support/xml-tree.js";
import { FEED_NOW, storedArticle, worldFeed } from "#test/support/feed-contents.js";

const site: FeedSite = { baseUrl: "https://news.example.com", publisherName: "Dispatch News", language: "en", hubUrl: null };
const HOME = "https://news.example.com/";

const REFS: Array<[FeedKind, string | null]> = [
  ["all", null],
  ["category", "world"],
  ["tag", "iraq"],
  ["author", "jane-doe"],
];
const CASES = REFS.flatMap(([kind, slug]) =>
  (["public", "partner"] as FeedScope[]).flatMap((scope) => FEED_FORMATS.map((format) => ({ kind, slug, scope, format }))),
);

function render(kind: FeedKind, slug: string | null, scope: FeedScope, format: FeedFormat): string {
  // Page 2 of 3: the feed has next and previous links too, so every feed-level link is there.
  const contents = worldFeed({ ref: feedRef(kind, slug), scope, articles: [storedArticle()], page: 2, lastPage: 3 });
  return renderFeed(buildFeed(site, contents, format, FEED_NOW), format).body.toString();
}

/** What a reader can take for the feed's website, by format. */
async function websiteLinks(text: string, format: FeedFormat): Promise<Array<{ href: string; type: string | null }>> {
  if (format === "json") return [{ href: (JSON.parse(text) as { home_page_url: string }).home_page_url, type: null }];
  const root = await xmlTree(text);
  if (format === "rss") return childrenNamed(childrenNamed(root, "channel")[0]!, "link").map((l) => ({ href: l.text.trim(), type: null }));
  // RFC 4287 §4.2.7.2: a link with no rel is an alternate.
  return childrenNamed(root, "link")
    .filter((l) => (l.attrs.rel ?? "alternate") === "alternate")
    .map((l) => ({ href: l.attrs.href!, type: l.attrs.type ?? null }));
}

describe("a feed's link to the website", () => {
  it.each(CASES)("is the site's home page in the $scope $kind feed ($format)", async ({ kind, slug, scope, format }) => {
    const links = await websiteLinks(render(kind, slug, scope, format), format);
    expect(links).toEqual([{ href: HOME, type: format === "atom" ? "text/html" : null }]);
  });
});
