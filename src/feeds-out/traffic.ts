// Feed traffic (per path per day: requests, 304s) and partner-key requests per day, counted in
// memory on the request path and flushed to the store every few seconds and at shutdown.
import type { Logger } from "pino";
import type { FeedTraffic } from "#src/store/feed-stats.js";

export interface TrafficStore {
  feedStats: { add(rows: FeedTraffic[]): Promise<void>; list(since: string): Promise<FeedTraffic[]> };
  partnerKeys: { addRequests(rows: Array<{ keyId: number; day: string; requests: number }>): Promise<void> };
}

export function createTrafficCounter(clock: () => number = Date.now) {
  let feeds = new Map<string, FeedTraffic>();
  /** Counts of earlier days not yet flushed, when a path's day rolls over. */
  let earlier: FeedTraffic[] = [];
  let keys = new Map<string, { keyId: number; day: string; requests: number }>();
  let day = "";
  let dayEnds = 0;

  function today(): string {
    const at = clock();
    if (at >= dayEnds) {
      day = new Date(at).toISOString().slice(0, 10);
      dayEnds = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
    }
    return day;
  }

  function newRow(path: string, d: string): FeedTraffic {
    const previous = feeds.get(path);
    if (previous) earlier.push(previous);
    const row = { path, day: d, requests: 0, notModified: 0 };
    feeds.set(path, row);
    return row;
  }

  return {
    feed(path: string, notModified: boolean): void {
      const d = today();
      // Keyed by path first: one string compare for the day instead of building a key per request.
      const found = feeds.get(path);
      const row = found && found.day === d ? found : newRow(path, d);
      row.requests += 1;
      if (notModified) row.notModified += 1;
    },

    partnerKey(keyId: number): void {
      const d = today();
      const id = `${d} ${keyId}`;
      const row = keys.get(id) ?? keys.set(id, { keyId, day: d, requests: 0 }).get(id)!;
      row.requests += 1;
    },

    /** Takes the counts gathered so far, leaving zero behind. */
    drain() {
      const taken = { feeds: mergeByDay([...earlier, ...feeds.values()]), keys: [...keys.values()] };
      feeds = new Map();
      earlier = [];
      keys = new Map();
      return taken;
    },

    /** Puts back counts a failed flush could not write. */
    restore(taken: { feeds: FeedTraffic[]; keys: Array<{ keyId: number; day: string; requests: number }> }): void {
      // Restored counts stay separate rows; the store adds rows of the same path and day together.
      earlier.push(...taken.feeds);
      for (const k of taken.keys) {
        const row = keys.get(`${k.day} ${k.keyId}`) ?? keys.set(`${k.day} ${k.keyId}`, { ...k, requests: 0 }).get(`${k.day} ${k.keyId}`)!;
        row.requests += k.requests;
      }
    },
  };
}

export type TrafficCounter = ReturnType<typeof createTrafficCounter>;

/** One row per path and day: PostgreSQL refuses an upsert that touches the same row twice. */
function mergeByDay(rows: FeedTraffic[]): FeedTraffic[] {
  const merged = new Map<string, FeedTraffic>();
  for (const r of rows) {
    const id = `${r.day} ${r.path}`;
    const row = merged.get(id);
    if (row) {
      row.requests += r.requests;
      row.notModified += r.notModified;
    } else merged.set(id, { ...r });
  }
  return [...merged.values()];
}

/** Writes the counts every intervalMs; flush() writes now; list() reads them back; stop() flushes one last time. */
export function startTrafficFlusher(counter: TrafficCounter, store: TrafficStore, intervalMs: number, logger: Logger) {
  let running: Promise<void> = Promise.resolve();
  const flush = () =>
    (running = running.then(async () => {
      const taken = counter.drain();
      const failed = (error: unknown, part: Parameters<TrafficCounter["restore"]>[0]) => {
        counter.restore(part);
        logger.warn({ err: error }, "feeds-out: could not flush traffic counts; kept for the next flush");
      };
      await store.feedStats.add(taken.feeds).catch((error: unknown) => failed(error, { feeds: taken.feeds, keys: [] }));
      await store.partnerKeys.addRequests(taken.keys).catch((error: unknown) => failed(error, { feeds: [], keys: taken.keys }));
    }));
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    flush,
    list: (since: string) => store.feedStats.list(since),
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
