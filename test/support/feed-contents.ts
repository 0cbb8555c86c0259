// What the feed builder is given, for the renderer tests: stored articles and the world category's feed.
import type { FeedContents } from "#src/feeds-out/build.js";
import { feedRef } from "#src/feeds-out/urls.js";
import type { Article } from "#src/model.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The renderer tests' clock: today's midnight UTC. The helpers' dates lie in the days before it. */
export const FEED_NOW = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
/** An ISO time `days` before FEED_NOW, at `hours` past midnight UTC (negative days: after it). */
export const daysBefore = (days: number, hours = 0): string => new Date(FEED_NOW.getTime() - days * DAY_MS + hours * HOUR_MS).toISOString();

/** A stored article as feeds read it; `overrides` set what a test is about. */
export function storedArticle(overrides: Partial<Article> = {}): Article {
  return {
    id: "urn:uuid:9b2b6d1e-0000-4000-8000-000000000001",
    slug: "s",
    title: "Title",
    summary: "Summary",
    body: "<p>Body</p>",
    author: "Jane Doe",
    category: "world",
    tags: ["iraq"],
    image: { url: "https://img.example.com/a.png", alt: "Alt", credit: "AP", type: null, length: null },
    canonicalUrl: "https://news.example.com/s",
    source: "own",
    publishedAt: daysBefore(1, 9),
    updatedAt: daysBefore(1, 9.5),
    ...overrides,
  };
}

/** Article number `n` (1 to 9) with `text` in every plain-text field: title, summary, author, tag, image alt and credit. */
export function articleWithText(n: number, text: string, overrides: Partial<Article> = {}): Article {
  return storedArticle({
    id: `urn:uuid:9b2b6d1e-0000-4000-8000-00000000000${n}`,
    slug: `s${n}`,
    title: text,
    summary: text,
    author: text,
    tags: [text],
    image: { url: "https://img.example.com/a.png?w=1&h=2", alt: text, credit: text, type: "image/png", length: 100 },
    canonicalUrl: `https://news.example.com/s${n}?a=1&b=2`,
    publishedAt: daysBefore(10 - n, 9),
    updatedAt: daysBefore(10 - n, 9.5),
    ...overrides,
  });
}

/** The world category's public feed, one page; `overrides` set what a test is about. */
export function worldFeed(overrides: Partial<FeedContents> = {}): FeedContents {
  return {
    ref: feedRef("category", "world"),
    scope: "public",
    subject: "World",
    description: "Around the globe.",
    emptyUpdated: daysBefore(24),
    categoryNames: new Map([["world", "World"]]),
    articles: [],
    page: 1,
    lastPage: 1,
    ...overrides,
  };
}
