// The feed cache: one render per change however many requests arrive, invalidation by feed key.
import { describe, expect, it } from "vitest";
import { createFeedCache } from "#src/feeds-out/cache.js";
import type { RenderedFeed } from "#src/feeds-out/types.js";

const rendered = (text: string): RenderedFeed => ({
  body: Buffer.from(text),
  contentType: "text/plain",
  etag: `"${text}"`,
  lastModified: new Date(0).toUTCString(),
  lastModifiedSeconds: 0,
  link: "",
});

function counting(text: () => string) {
  let calls = 0;
  const render = async () => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return rendered(text());
  };
  return { render, calls: () => calls };
}

describe("feed cache", () => {
  it("renders once for many simultaneous requests, and not again until invalidated", async () => {
    const cache = createFeedCache({ maxEntries: 10, ttlMs: 60_000 });
    const r = counting(() => "v1");
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.get("public|all|rss|1", "all", r.render)));
    expect(r.calls()).toBe(1);
    expect(new Set(results).size).toBe(1);
    await cache.get("public|all|rss|1", "all", r.render);
    expect(cache.peek("public|all|rss|1", "all")).toBe(results[0]);
    expect(r.calls()).toBe(1);
  });

  it("re-renders once after its key is invalidated, leaving other keys cached", async () => {
    const cache = createFeedCache({ maxEntries: 10, ttlMs: 60_000 });
    let version = "v1";
    const all = counting(() => version);
    const world = counting(() => "world");
    await cache.get("public|all|rss|1", "all", all.render);
    await cache.get("public|category:world|rss|1", "category:world", world.render);
    version = "v2";
    cache.invalidate(["all"]);
    expect(cache.peek("public|all|rss|1", "all")).toBeUndefined();
    const again = await Promise.all(Array.from({ length: 20 }, () => cache.get("public|all|rss|1", "all", all.render)));
    expect(again[0]!.body.toString()).toBe("v2");
    expect(all.calls()).toBe(2);
    expect(cache.peek("public|category:world|rss|1", "category:world")).toBeDefined();
    expect(world.calls()).toBe(1);
  });

  it("re-renders everything after invalidateAll", async () => {
    const cache = createFeedCache({ maxEntries: 10, ttlMs: 60_000 });
    const r = counting(() => "x");
    await cache.get("a", "all", r.render);
    cache.invalidateAll();
    expect(cache.peek("a", "all")).toBeUndefined();
    await cache.get("a", "all", r.render);
    expect(r.calls()).toBe(2);
  });

  it("renders again once an entry is older than its time to live, keeping the ETag when nothing changed", async () => {
    let now = 0;
    const cache = createFeedCache({ maxEntries: 10, ttlMs: 60_000, clock: () => now });
    const r = counting(() => "same");
    const first = await cache.get("a", "all", r.render);
    now = 59_999;
    expect(cache.peek("a", "all")).toBe(first);
    now = 60_000;
    expect(cache.peek("a", "all")).toBeUndefined();
    const second = await cache.get("a", "all", r.render);
    expect(r.calls()).toBe(2);
    expect(second!.etag).toBe(first!.etag);
  });

  it("does not keep a feed that does not exist", async () => {
    const cache = createFeedCache({ maxEntries: 10, ttlMs: 60_000 });
    let calls = 0;
    const missing = async () => {
      calls += 1;
      return null;
    };
    expect(await cache.get("k", "tag:none", missing)).toBeNull();
    expect(await cache.get("k", "tag:none", missing)).toBeNull();
    expect(calls).toBe(2);
  });

  it("forgets the least recently rendered feed beyond its size", async () => {
    const cache = createFeedCache({ maxEntries: 2, ttlMs: 60_000 });
    for (const key of ["a", "b", "c"]) await cache.get(key, key, async () => rendered(key));
    expect(cache.size).toBe(2);
    expect(cache.peek("a", "a")).toBeUndefined();
    expect(cache.peek("c", "c")).toBeDefined();
  });
});
