import { describe, expect, it } from "vitest";
import { subscriberTimeline } from "#src/admin/subscribers.js";
import { trafficPanel } from "#src/admin/traffic.js";
import { partnerRows, partnerState } from "#src/admin/partners.js";
import { noticeText } from "#src/admin/notices.js";
import { barChart, lastDays, scaleTop, shortDay } from "#src/admin/charts.js";
import type { Partner } from "#src/model.js";

describe("subscribers over time", () => {
  it("carries those confirmed before the window and follows each day's confirmations and unsubscriptions", () => {
    const timeline = subscriberTimeline(
      {
        created: [
          { day: "2026-11-01", n: 5 },
          { day: "2026-11-24", n: 3 },
        ],
        confirmed: [
          { day: "2026-11-01", n: 4 },
          { day: "2026-11-24", n: 2 },
        ],
        unsubscribed: [{ day: "2026-11-25", n: 1 }],
      },
      ["2026-11-23", "2026-11-24", "2026-11-25"],
    );
    expect(timeline).toEqual([
      { day: "2026-11-23", signups: 0, confirmed: 0, unsubscribed: 0, subscribed: 4 },
      { day: "2026-11-24", signups: 3, confirmed: 2, unsubscribed: 0, subscribed: 6 },
      { day: "2026-11-25", signups: 0, confirmed: 0, unsubscribed: 1, subscribed: 5 },
    ]);
  });
});

describe("feed traffic", () => {
  it("adds up requests and 304s per feed, busiest first, with the 304 share", () => {
    const panel = trafficPanel(
      [
        { path: "/feeds/all.rss", day: "2026-11-25", requests: 10, notModified: 9 },
        { path: "/feeds/all.rss", day: "2026-11-24", requests: 10, notModified: 5 },
        { path: "/partner/feeds/world.json", day: "2026-11-25", requests: 30, notModified: 0 },
      ],
      new Date("2026-11-25T12:00:00Z"),
      7,
    );
    expect(panel.total).toBe(50);
    expect(panel.notModifiedShare).toBe("28%");
    expect(panel.feeds).toEqual([
      { path: "/partner/feeds/world.json", requests: 30, notModified: 0, share: "0%", partner: true },
      { path: "/feeds/all.rss", requests: 20, notModified: 14, share: "70%", partner: false },
    ]);
  });
});

describe("partner state", () => {
  const partner = (health: Partial<Partner["health"]>, enabled = true) =>
    ({ enabled, health: { lastPullAt: "2026-11-25T10:00:00Z", errorCount: 0, healthy: true, ...health } }) as Partner;
  it.each([
    [partner({}), "healthy"],
    [partner({ errorCount: 2 }), "backing off"],
    [partner({ errorCount: 40, healthy: false }), "unhealthy"],
    [partner({ lastPullAt: null }), "never pulled"],
    [partner({}, false), "disabled"],
  ])("says %# in plain words", (p, state) => {
    expect(partnerState(p)).toBe(state);
  });
});

describe("notices after an action", () => {
  it("fills fixed sentences with checked values only", () => {
    expect(noticeText({ done: "pulled", partner: "wire-demo", status: "ok" })).toBe("Pulled wire-demo: new items taken.");
    expect(noticeText({ done: "pulled", partner: "<b>hi</b>", status: "ok" })).toBeNull();
    expect(noticeText({ done: "revoked", partner: "wire-demo", key: "0123456789" })).toContain("Revoked key 0123456789");
    expect(noticeText({ done: "anything" })).toBeNull();
  });

  it.each([
    ["1", "1 failed delivery put back in the queue."],
    ["3", "3 failed deliveries put back in the queue."],
  ])("counts %s retried deliveries in words", (n, text) => {
    expect(noticeText({ done: "retried", n })).toBe(text);
  });
});

describe("charts", () => {
  const days = lastDays(new Date("2026-12-01T12:00:00Z"), 14);
  const points = days.map((label, i) => ({ label, value: i === 13 ? 6 : i === 10 ? 2 : 0, part: i === 13 ? 3 : 0 }));

  it("draws a bar per day that is not zero, titled with its figure and its part", () => {
    const svg = barChart(points, { title: "Requests", unit: "request", partLabel: "not modified (304)" });
    expect(svg).toContain("<title>1 Dec: 6 requests, 3 not modified (304)</title>");
    expect(svg).toContain("<title>28 Nov: 2 requests, 0 not modified (304)</title>");
    expect(svg).toContain("<title>27 Nov: 0 requests, 0 not modified (304)</title>");
    expect(svg.match(/<rect/g)).toHaveLength(3);
  });

  it("puts dates under the bars, always the last day, and a value scale from 0 to a round top", () => {
    const svg = barChart(points, { title: "Requests", unit: "request" });
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(["0", "5", "10", "1 Dec", "28 Nov", "6", "2"]));
  });

  it("says in its accessible name what it shows, and escapes the title", () => {
    const svg = barChart(points, { title: "T & U", unit: "request" });
    expect(svg).toContain('aria-label="T &amp; U. 8 requests in 14 days; most on 1 Dec: 6."');
    expect(
      barChart(
        points.map((p) => ({ ...p, value: 0, part: 0 })),
        { title: "T", unit: "request" },
      ),
    ).toContain('aria-label="T. No requests in 14 days."');
  });

  it("adds a table of the figures on request", () => {
    const html = barChart(points, { title: "T", unit: "sign-up", table: true });
    expect(html).toContain("<details");
    expect(html).toContain('<th scope="col" class="n">Sign-ups</th>');
    expect(html).toContain('<tr><td>2026-12-01</td><td class="n">6</td></tr>');
  });

  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [6, 10],
    [10, 10],
    [11, 20],
    [180, 200],
    [4_200, 5_000],
  ])("tops the scale of a largest value %d at %d", (max, top) => {
    expect(scaleTop(max)).toBe(top);
  });

  it("writes a day as day and month", () => {
    expect(shortDay("2026-12-01")).toBe("1 Dec");
  });

  it("lists the last days oldest first", () => {
    expect(lastDays(new Date("2026-11-25T23:59:00Z"), 3)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
  });
});

describe("partner keys", () => {
  const partner = {
    slug: "wire",
    name: "Wire",
    url: "https://wire.example/feed",
    enabled: true,
    health: { errorCount: 1, healthy: true, lastPullAt: null },
  } as unknown as Partner;
  const key = (requests: Record<string, number>) => ({ prefix: "0123456789", createdAt: "2026-11-20T10:00:00Z", revokedAt: null, requests });

  it("says a key has no requests yet instead of drawing an empty chart", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const [row] = partnerRows([partner], new Map([["wire", [key({}), key({ "2026-12-01": 2 })]]]), now);
    expect(row!.keys[0]).toMatchObject({ total: 0, chart: null });
    expect(row!.keys[1]!.total).toBe(2);
    expect(row!.keys[1]!.chart).toContain("1 Dec: 2 requests");
  });

  it("counts failures in a row in words", () => {
    const [row] = partnerRows([partner], new Map(), new Date());
    expect(row!.failuresInARow).toBe("1 failure");
  });
});
