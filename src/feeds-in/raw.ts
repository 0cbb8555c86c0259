// What the parse worker hands back: rss-parser's output, loosely typed because every field is
// whatever a stranger's feed put there. normalize.ts is the only reader.

export interface RawItem {
  title?: unknown;
  link?: unknown;
  guid?: unknown;
  id?: unknown;
  pubDate?: unknown;
  isoDate?: unknown;
  date?: unknown;
  updated?: unknown;
  creator?: unknown;
  author?: unknown;
  content?: unknown;
  "content:encoded"?: unknown;
  /** An RSS item's XHTML body, as HTML (see inline-markup.mjs). */
  xhtmlBody?: unknown;
  itunesSummary?: unknown;
  contentSnippet?: unknown;
  summary?: unknown;
  categories?: unknown;
  categoryRaw?: unknown;
  subjects?: unknown;
  enclosure?: unknown;
  mediaContent?: unknown;
  mediaThumbnail?: unknown;
  mediaGroup?: unknown;
  "rdf:about"?: unknown;
  /** The entry's own xml:base, as written (it may be relative to the feed's). */
  xmlBase?: unknown;
}

export interface RawFeed {
  title?: unknown;
  link?: unknown;
  ttl?: unknown;
  items?: RawItem[];
}
