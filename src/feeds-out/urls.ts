// Feed paths and URLs: the one place that knows how a feed key maps to /feeds/… and back.
import { FEED_FORMAT_NAMES, FEED_FORMATS, FEED_MEDIA_TYPES, type FeedFormat, type FeedKind, type FeedRef, type FeedScope } from "#src/feeds-out/types.js";

const PATH = /^\/(partner\/)?feeds\/(?:(tags|authors)\/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.(rss|atom|json)$/;

export interface FeedRequestPath {
  scope: FeedScope;
  ref: FeedRef;
  format: FeedFormat;
}

export function feedRef(kind: FeedKind, slug: string | null): FeedRef {
  return { kind, slug, key: kind === "all" ? "all" : `${kind}:${slug}` };
}

/** Parses "/feeds/tags/iraq.atom" (no query); undefined when it is not a feed path. */
export function parseFeedPath(pathname: string): FeedRequestPath | undefined {
  const match = PATH.exec(pathname);
  if (!match) return undefined;
  const [, partner, group, slug, format] = match;
  const kind: FeedKind = group === "tags" ? "tag" : group === "authors" ? "author" : slug === "all" ? "all" : "category";
  return { scope: partner ? "partner" : "public", ref: feedRef(kind, kind === "all" ? null : slug!), format: format as FeedFormat };
}

/** "all", "us-news", "tags/iraq", "authors/jane-doe". */
function feedName(ref: FeedRef): string {
  if (ref.kind === "all") return "all";
  if (ref.kind === "category") return ref.slug!;
  return `${ref.kind}s/${ref.slug}`;
}

export function feedUrl(baseUrl: string, scope: FeedScope, ref: FeedRef, format: FeedFormat, page = 1): string {
  const prefix = scope === "partner" ? "/partner/feeds/" : "/feeds/";
  return `${baseUrl}${prefix}${feedName(ref)}.${format}${page > 1 ? `?page=${page}` : ""}`;
}

/** The feed's first page in each format: { rss, atom, json }. */
export function feedUrls(baseUrl: string, scope: FeedScope, ref: FeedRef): Record<FeedFormat, string> {
  return { rss: feedUrl(baseUrl, scope, ref, "rss"), atom: feedUrl(baseUrl, scope, ref, "atom"), json: feedUrl(baseUrl, scope, ref, "json") };
}

/** The feed in each format with the format's name and media type, for pages' feed links and autodiscovery. */
export function feedLinks(baseUrl: string, scope: FeedScope, ref: FeedRef): Array<{ key: FeedFormat; label: string; type: string; url: string }> {
  return FEED_FORMATS.map((format) => ({
    key: format,
    label: FEED_FORMAT_NAMES[format],
    type: FEED_MEDIA_TYPES[format],
    url: feedUrl(baseUrl, scope, ref, format),
  }));
}

/** The feed keys an article placement appears in. */
export function keysOfPlacement(placement: { category: string; tags: string[]; author: string | null }): string[] {
  const refs = [feedRef("all", null), feedRef("category", placement.category), ...placement.tags.map((t) => feedRef("tag", t))];
  if (placement.author) refs.push(feedRef("author", placement.author));
  return refs.map((r) => r.key);
}

/** Inverse of FeedRef.key. */
export function refOfKey(key: string): FeedRef {
  if (key === "all") return feedRef("all", null);
  const [kind, slug] = key.split(":") as [FeedKind, string];
  return feedRef(kind, slug);
}
