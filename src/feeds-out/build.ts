// Articles → a format-neutral FeedDocument. Pure: everything it needs is passed in, `now` included.
import type { Article } from "#src/model.js";
import type { FeedDocument, FeedFormat, FeedItem, FeedPaging, FeedRef, FeedScope } from "#src/feeds-out/types.js";
import { absoluteUrl, imageType, validDate, xmlSafe } from "#src/feeds-out/clean.js";
import { feedUrl } from "#src/feeds-out/urls.js";
import { slugify } from "#src/slug.js";

export interface FeedSite {
  baseUrl: string;
  publisherName: string;
  language: string;
  hubUrl: string | null;
}

export interface FeedContents {
  ref: FeedRef;
  scope: FeedScope;
  /** What the feed is about: "US News", "#iraq", "Jane Doe"; null for all. */
  subject: string | null;
  description: string;
  /** The feed's updated time when it has no items (a category's own last change), else the epoch. */
  emptyUpdated: string | null;
  /** Category slug → name, for item categories. */
  categoryNames: ReadonlyMap<string, string>;
  articles: Article[];
  page: number;
  lastPage: number;
}

export function buildFeed(site: FeedSite, contents: FeedContents, format: FeedFormat, now: Date): FeedDocument {
  const items = contents.articles.map((a) => buildItem(site, contents, a, now));
  const newest = items.reduce<Date | null>((max, i) => (!max || i.updated > max ? i.updated : max), null);
  const title = contents.subject ? `${site.publisherName}: ${contents.subject}` : site.publisherName;
  return {
    id: feedUrl(site.baseUrl, contents.scope, contents.ref, format),
    title: xmlSafe(title),
    description: xmlSafe(contents.description || `Latest from ${title}`),
    language: site.language,
    homeUrl: `${site.baseUrl}/`,
    iconUrl: `${site.baseUrl}/static/feed-icon.png`,
    logoUrl: `${site.baseUrl}/static/feed-logo.png`,
    publisher: xmlSafe(site.publisherName),
    // An empty feed has no newest item: a stored time keeps its ETag stable, unlike feed@6's "now".
    updated: newest ?? validDate(new Date(0), contents.emptyUpdated),
    hubUrl: contents.scope === "public" ? site.hubUrl : null,
    paging: paging(site.baseUrl, contents, format),
    items,
  };
}

function paging(baseUrl: string, c: FeedContents, format: FeedFormat): FeedPaging {
  const url = (page: number) => feedUrl(baseUrl, c.scope, c.ref, format, page);
  return {
    self: url(c.page),
    first: url(1),
    last: url(c.lastPage),
    next: c.page < c.lastPage ? url(c.page + 1) : null,
    previous: c.page > 1 ? url(c.page - 1) : null,
  };
}

function buildItem(site: FeedSite, c: FeedContents, a: Article, now: Date): FeedItem {
  const published = validDate(now, a.publishedAt, a.updatedAt);
  const feeds = `${site.baseUrl}/feeds`;
  const imageUrl = absoluteUrl(a.image?.url, site.baseUrl);
  return {
    id: a.id,
    title: xmlSafe(a.title),
    link: absoluteUrl(a.canonicalUrl, site.baseUrl) ?? `${site.baseUrl}/articles/${encodeURIComponent(a.slug)}`,
    summary: xmlSafe(a.summary),
    contentHtml: c.scope === "partner" ? xmlSafe(a.body) : null,
    published,
    updated: validDate(published, a.updatedAt),
    author: a.author ? { name: xmlSafe(a.author), url: `${feeds}/authors/${slugify(a.author)}.atom` } : null,
    category: { slug: a.category, name: xmlSafe(c.categoryNames.get(a.category) ?? a.category), url: `${feeds}/${a.category}.atom` },
    tags: a.tags.map((name) => ({ slug: slugify(name), name: xmlSafe(name), url: `${feeds}/tags/${slugify(name)}.atom` })),
    image:
      a.image && imageUrl
        ? { url: imageUrl, type: imageType(a.image.type, imageUrl), length: a.image.length ?? 0, credit: xmlSafe(a.image.credit), alt: xmlSafe(a.image.alt) }
        : null,
  };
}
