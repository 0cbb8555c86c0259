// Feeds on demand: the cache in front of load → build → render.
import type { FeedFormat, FeedRef, FeedScope } from "#src/feeds-out/types.js";
import type { FeedSite } from "#src/feeds-out/build.js";
import { buildFeed } from "#src/feeds-out/build.js";
import { renderFeed } from "#src/feeds-out/render.js";
import { loadFeed, type FeedSource } from "#src/feeds-out/load.js";
import type { CachedFeed, FeedCache } from "#src/feeds-out/cache.js";

export interface FeedRequest {
  scope: FeedScope;
  ref: FeedRef;
  format: FeedFormat;
  page: number;
}

export interface FeedServiceDeps {
  source: FeedSource;
  cache: FeedCache;
  /** Read at render time: the base URL is known only once the server listens when PORT=0. */
  site: FeedSite;
  pageSize: number;
  now?: () => Date;
}

/** The cache key of one feed page in one format and scope. */
export function cacheKeyOf(r: FeedRequest): string {
  return `${r.scope}|${r.ref.key}|${r.format}|${r.page}`;
}

export function createFeedService(deps: FeedServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const cacheKey = cacheKeyOf;

  async function render(request: FeedRequest) {
    const contents = await loadFeed(deps.source, { ...request, pageSize: deps.pageSize });
    if (!contents) return null;
    return renderFeed(buildFeed(deps.site, contents, request.format, now()), request.format);
  }

  return {
    /** A cached fresh feed, synchronously, or undefined. Callers that memoize the key may pass it. */
    peek(request: FeedRequest, key: string = cacheKey(request)): CachedFeed | undefined {
      return deps.cache.peek(key, request.ref.key);
    },

    /** The feed, rendered at most once per change; null when there is no such feed or page. */
    get(request: FeedRequest): Promise<CachedFeed | null> {
      return deps.cache.get(cacheKey(request), request.ref.key, () => render(request));
    },

    invalidate(feedKeys: Iterable<string>): void {
      deps.cache.invalidate(feedKeys);
    },

    invalidateAll(): void {
      deps.cache.invalidateAll();
    },
  };
}

export type FeedService = ReturnType<typeof createFeedService>;
