// The lean feed path remembers parsed URLs of feeds that exist, and nothing for the rest.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { request } from "#test/support/http.js";
import type { Store } from "#src/store/index.js";
import { createFeedCache } from "#src/feeds-out/cache.js";
import { createFeedService } from "#src/feeds-out/service.js";
import { createTrafficCounter } from "#src/feeds-out/traffic.js";
import { feedFastPath, type FeedFastPath } from "#src/http/feeds-fast.js";
import { listen, type RunningServer } from "#src/http/server.js";

describe("the lean feed path's memory", () => {
  let database: TestDatabase;
  let store: Store;
  let server: RunningServer;
  let cache: ReturnType<typeof createFeedCache>;
  let fast: FeedFastPath;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    store = await openTestStore(database);
    cache = createFeedCache({ maxEntries: 100, ttlMs: 60_000 });
    const site = { baseUrl: "http://localhost", publisherName: "Dispatch News", language: "en", hubUrl: null };
    const feeds = createFeedService({ source: store, cache, site, pageSize: 20 });
    fast = feedFastPath({
      feeds,
      keys: { check: async () => ({ status: "unknown" as const }) },
      traffic: createTrafficCounter(),
      maxAge: 60,
      logger: pino({ level: "silent" }),
    });
    server = await listen((_req, res) => res.writeHead(500).end(), { port: 0, host: "127.0.0.1", fastPaths: [fast] });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close(1000);
    await store.close();
    await database.drop();
  });

  it("keeps nothing for well-formed URLs of feeds that do not exist", async () => {
    const long = "x".repeat(4000);
    for (let i = 0; i < 300; i++) {
      const path = [`/feeds/tags/${long}-${i}.rss`, `/feeds/authors/nobody-${i}.atom`, `/feeds/missing-${i}.json?page=${i + 1}`][i % 3]!;
      expect((await request(`${url}${path}`)).status).toBe(404);
    }
    expect(fast.remembered()).toBe(0);
    expect(cache.size).toBe(0);
  });

  it("remembers a feed that exists, once, and pages past the last not at all", async () => {
    const before = fast.remembered();
    for (let i = 0; i < 3; i++) expect((await request(`${url}/feeds/all.rss`)).status).toBe(200);
    expect((await request(`${url}/feeds/all.rss?page=7`)).status).toBe(404);
    expect(fast.remembered()).toBe(before + 1);
    expect(cache.size).toBe(1);
  });
});
