// Feed traffic counting: in memory per path and day, drained in one row per path and day.
import { describe, expect, it } from "vitest";
import { createTrafficCounter } from "#src/feeds-out/traffic.js";

describe("traffic counter", () => {
  it("counts requests and 304s per path and day, starting a new row at midnight UTC", () => {
    let now = Date.parse("2026-11-24T23:59:59Z");
    const counter = createTrafficCounter(() => now);
    counter.feed("/feeds/all.rss", false);
    counter.feed("/feeds/all.rss", true);
    now = Date.parse("2026-11-25T00:00:01Z");
    counter.feed("/feeds/all.rss", true);
    counter.feed("/feeds/world.atom", false);
    counter.partnerKey(7);
    counter.partnerKey(7);
    const taken = counter.drain();
    expect(taken.feeds).toEqual(
      expect.arrayContaining([
        { path: "/feeds/all.rss", day: "2026-11-24", requests: 2, notModified: 1 },
        { path: "/feeds/all.rss", day: "2026-11-25", requests: 1, notModified: 1 },
        { path: "/feeds/world.atom", day: "2026-11-25", requests: 1, notModified: 0 },
      ]),
    );
    expect(taken.feeds).toHaveLength(3);
    expect(taken.keys).toEqual([{ keyId: 7, day: "2026-11-25", requests: 2 }]);
    expect(counter.drain()).toEqual({ feeds: [], keys: [] });
  });

  it("puts back what a failed flush could not write, merged with new counts", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    const counter = createTrafficCounter(() => now);
    counter.feed("/feeds/all.rss", false);
    const taken = counter.drain();
    counter.restore(taken);
    counter.feed("/feeds/all.rss", true);
    expect(counter.drain().feeds).toEqual([{ path: "/feeds/all.rss", day: "2026-11-25", requests: 2, notModified: 1 }]);
  });
});
