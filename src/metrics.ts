// Prometheus metrics: one registry per process, built by createServices and handed to the modules
// that count through small ports. Nothing is registered on import, so tests and scripts can build
// as many as they like.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the database answers at scrape time. */
export interface MetricsSource {
  /** Deliveries per state (pending, sending, sent, skipped, failed), every edition. */
  deliveryStates(): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  /** How long a database reading is reused between scrapes. */
  cacheMs?: number;
  clock?: () => number;
}

const DELIVERY_STATES = ["pending", "sending", "sent", "skipped", "failed"] as const;

export function createMetrics(source: MetricsSource, options: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const readStates = cached(() => source.deliveryStates(), options.cacheMs ?? 5_000, options.clock ?? Date.now);

  // The lean feed path is counted in plain numbers and added at scrape time: prom-client's own
  // inc() costs ~0.3 µs, a noticeable share of a cached 304 (see scripts/bench/metrics.ts).
  const fastCounts = new Map<string, { method: string; route: string; status: string; n: number }>();
  const httpRequests = new Counter({
    name: "dispatch_http_requests_total",
    help: "HTTP requests by route pattern (feeds on the lean path: /feeds/* and /partner/feeds/*), method and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
    collect() {
      for (const c of fastCounts.values()) {
        if (c.n) this.inc({ method: c.method, route: c.route, status: c.status }, c.n);
        c.n = 0;
      }
    },
  });
  const httpDuration = new Histogram({
    name: "dispatch_http_request_duration_seconds",
    help: "HTTP request durations by route pattern and method",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const children = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  const feedCache = new Counter({
    name: "dispatch_feed_cache_total",
    help: "Feed cache lookups by result: hit (served from memory) or render (built again)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const partnerPulls = new Counter({
    name: "dispatch_partner_pulls_total",
    help: "Partner feed pulls by outcome (ok, not_modified, error)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "dispatch_deliveries",
    help: "Digest deliveries by state, read from the database at scrape time",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const states = await readStates();
      for (const state of DELIVERY_STATES) this.set({ state }, states[state] ?? 0);
    },
  });
  new Gauge({
    name: "dispatch_queue_depth",
    help: "Deliveries waiting to be sent (pending or being sent)",
    registers: [registry],
    async collect() {
      const states = await readStates();
      this.set((states.pending ?? 0) + (states.sending ?? 0));
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    http: {
      observe(method: string, route: string, status: number, seconds: number): void {
        // Labelled children are looked up once per series: hashing labels per request costs more
        // than the counting itself on the feed path.
        const key = `${method} ${route} ${status}`;
        let series = children.get(key);
        if (!series) {
          series = { count: httpRequests.labels(method, route, String(status)), duration: httpDuration.labels(method, route) };
          children.set(key, series);
        }
        series.count.inc();
        series.duration.observe(seconds);
      },
      count(method: string, route: string, status: number): void {
        const key = `${method} ${route} ${status}`;
        const found = fastCounts.get(key);
        if (found) found.n += 1;
        else fastCounts.set(key, { method, route, status: String(status), n: 1 });
      },
    } satisfies HttpMetrics,
    feedCache: { hit: () => feedCache.inc({ result: "hit" }), render: () => feedCache.inc({ result: "render" }) } satisfies FeedCacheCounter,
    partnerPull: (outcome: string) => partnerPulls.inc({ outcome }),
  };
}

export interface HttpMetrics {
  /** Counts and times a request (express routes). */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** Counts a request without timing it (the lean feed path, where timing would cost more than the answer). */
  count(method: string, route: string, status: number): void;
}

export interface FeedCacheCounter {
  hit(): void;
  render(): void;
}

/** The cache's two lookups, counted: a fresh entry is a hit, every render call a render. */
export function countFeedCache<C extends FeedCacheLookups>(cache: C, counter: FeedCacheCounter): C {
  return {
    ...cache,
    peek(cacheKey, feedKey) {
      const feed = cache.peek(cacheKey, feedKey);
      if (feed) counter.hit();
      return feed;
    },
    get(cacheKey, feedKey, render) {
      let rendered = false;
      const result = cache.get(cacheKey, feedKey, () => {
        rendered = true;
        counter.render();
        return render();
      });
      if (!rendered) counter.hit();
      return result;
    },
    // Getters (size) do not survive a spread: keep them reading the real cache.
    get size() {
      return (cache as { size?: number }).size;
    },
  } as C;
}

interface FeedCacheLookups {
  peek(cacheKey: string, feedKey: string): unknown;
  get(cacheKey: string, feedKey: string, render: () => Promise<any>): Promise<unknown>;
}

function cached<T>(read: () => Promise<T>, ttlMs: number, clock: () => number): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | undefined;
  return () => {
    const now = clock();
    if (!value || now - value.at >= ttlMs) {
      const promise = read();
      value = { at: now, promise };
      // A failed reading is not kept: the next scrape asks again.
      promise.catch(() => {
        if (value?.promise === promise) value = undefined;
      });
    }
    return value.promise;
  };
}
