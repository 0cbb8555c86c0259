// Rendered feeds, kept until an article in them changes. A version per feed key: invalidating a
// key bumps it, and the next request re-renders once (single flight) while others wait for it.
// gzip and brotli copies are made on first demand and kept with the entry.
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { RenderedFeed } from "#src/feeds-out/types.js";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type Encoding = "identity" | "gzip" | "br";

export interface CachedFeed extends RenderedFeed {
  encoded: Partial<Record<"gzip" | "br", Buffer>>;
}

interface Entry {
  version: number;
  generation: number;
  /** When it stops being fresh even without an invalidation (writes from outside this process). */
  expires: number;
  feed: CachedFeed;
}

export interface FeedCacheOptions {
  maxEntries: number;
  /** Longest a rendered feed is served without re-rendering: bounds staleness after writes this
   * process was not told about (a CLI on SQLite, several processes without Redis). */
  ttlMs: number;
  clock?: () => number;
}

export function createFeedCache(options: FeedCacheOptions) {
  const clock = options.clock ?? Date.now;
  const versions = new Map<string, number>();
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<CachedFeed | null>>();
  /** Bumped by invalidateAll(): every entry rendered before it is stale. */
  let generation = 0;

  function isFresh(entry: Entry, feedKey: string): boolean {
    return entry.version === (versions.get(feedKey) ?? 0) && entry.generation === generation && entry.expires > clock();
  }

  function store(cacheKey: string, entry: Entry): void {
    if (options.maxEntries <= 0) return;
    entries.delete(cacheKey);
    entries.set(cacheKey, entry);
    // Map keeps insertion order: the first key is the least recently rendered.
    if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
  }

  return {
    /** The fresh cached feed, without waiting; undefined when it must be rendered. */
    peek(cacheKey: string, feedKey: string): CachedFeed | undefined {
      const entry = entries.get(cacheKey);
      return entry && isFresh(entry, feedKey) ? entry.feed : undefined;
    },

    /** The fresh feed, rendering it once however many callers ask at the same time; null = no such feed. */
    get(cacheKey: string, feedKey: string, render: () => Promise<RenderedFeed | null>): Promise<CachedFeed | null> {
      const version = versions.get(feedKey) ?? 0;
      const gen = generation;
      const entry = entries.get(cacheKey);
      if (entry && isFresh(entry, feedKey)) return Promise.resolve(entry.feed);
      const flightKey = `${cacheKey}@${version}.${gen}`;
      let flight = inflight.get(flightKey);
      if (!flight) {
        flight = render()
          .then((rendered) => {
            if (!rendered) return null;
            const feed: CachedFeed = { ...rendered, encoded: {} };
            store(cacheKey, { version, generation: gen, expires: clock() + options.ttlMs, feed });
            return feed;
          })
          .finally(() => inflight.delete(flightKey));
        inflight.set(flightKey, flight);
      }
      return flight;
    },

    invalidate(feedKeys: Iterable<string>): void {
      for (const key of feedKeys) versions.set(key, (versions.get(key) ?? 0) + 1);
    },

    /** Everything is stale: a category's name or description shows in many feeds. */
    invalidateAll(): void {
      generation += 1;
    },

    get size(): number {
      return entries.size;
    },
  };
}

export type FeedCache = ReturnType<typeof createFeedCache>;

/** The body in the given encoding, compressing (once per entry) on first demand. */
export async function encodedBody(feed: CachedFeed, encoding: Encoding): Promise<Buffer> {
  if (encoding === "identity") return feed.body;
  const ready = feed.encoded[encoding];
  if (ready) return ready;
  const compressed =
    encoding === "gzip"
      ? await gzipAsync(feed.body, { level: 9 })
      : await brotliAsync(feed.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: feed.body.length } });
  feed.encoded[encoding] = compressed;
  return compressed;
}
