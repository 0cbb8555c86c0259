// What the feed builder is given, for the renderer tests: stored articles and the world category's feed.
import type { FeedContents } from "#src/feeds-out/build.js";
import { feedRef } from "#src/feeds-out/urls.js";
import type { Article } from "#src/model.js";

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
    publishedAt: "2026-11-24T09:00:00.000Z",
    updatedAt: "2026-11-24T09:30:00.000Z",
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
    publishedAt: `2026-11-2${n}T09:00:00.000Z`,
    updatedAt: `2026-11-2${n}T09:30:00.000Z`,
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
    emptyUpdated: "2026-11-01T00:00:00.000Z",
    categoryNames: new Map([["world", "World"]]),
    articles: [],
    page: 1,
    lastPage: 1,
    ...overrides,
  };
}
