// Types of the feed side, declared once. A FeedDocument is format-neutral; rss.ts, atom.ts and
// json.ts each turn one into text.

export type FeedFormat = "rss" | "atom" | "json";
export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];

/** Each format's media type (without parameters): Content-Type, autodiscovery and alternate links. */
export const FEED_MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  json: "application/feed+json",
};

/** Each format's name, as readers know it. */
export const FEED_FORMAT_NAMES: Readonly<Record<FeedFormat, string>> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

/** Public feeds carry summaries; partner feeds carry the full body. */
export type FeedScope = "public" | "partner";

export type FeedKind = "all" | "category" | "tag" | "author";

/** What a feed lists. `key` is the glossary's feed key: "all", "category:world", "tag:iraq", "author:jane-doe". */
export interface FeedRef {
  kind: FeedKind;
  slug: string | null;
  key: string;
}

export interface FeedItem {
  /** Stable id (urn:uuid:…): never changes when the article is edited. */
  id: string;
  title: string;
  link: string;
  summary: string;
  /** Full body HTML (partner feeds only). */
  contentHtml: string | null;
  published: Date;
  updated: Date;
  author: { name: string; url: string } | null;
  category: { slug: string; name: string; url: string };
  /** The article's tags: the name as given (plain text), the slug of its feed. */
  tags: Array<{ slug: string; name: string; url: string }>;
  image: { url: string; type: string; length: number; credit: string; alt: string } | null;
}

/** Absolute URLs of this feed's pages, in the format being rendered. */
export interface FeedPaging {
  self: string;
  first: string;
  last: string;
  next: string | null;
  previous: string | null;
}

export interface FeedDocument {
  /** Stable feed id (the first page's URL). */
  id: string;
  title: string;
  description: string;
  language: string;
  homeUrl: string;
  iconUrl: string;
  logoUrl: string;
  publisher: string;
  /** Newest item's updated time (or a fixed fallback for an empty feed). */
  updated: Date;
  hubUrl: string | null;
  paging: FeedPaging;
  items: FeedItem[];
}

export interface RenderedFeed {
  body: Buffer;
  contentType: string;
  /** Quoted strong ETag of the identity body; encodings append -gz / -br. */
  etag: string;
  /** HTTP date of the newest item's updated time, and the same in whole seconds since the epoch. */
  lastModified: string;
  lastModifiedSeconds: number;
  /** `Link` header value: the hub (when there is one) and self. */
  link: string;
}
