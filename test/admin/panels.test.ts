import { describe, expect, it } from "vitest";
import { subscriberTimeline } from "#src/admin/subscribers.js";
import { trafficPanel } from "#src/admin/traffic.js";
import { partnerState } from "#src/admin/partners.js";
import { noticeText } from "#src/admin/notices.js";
import { barChart, lastDays } from "#src/admin/charts.js";
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
});

describe("charts", () => {
  it("draws a bar per point, titled with its figure, and escapes labels", () => {
    const svg = barChart(
      [
        { label: "<a>", value: 2 },
        { label: "b", value: 4, part: 1 },
      ],
      { title: "T & U", unit: "requests" },
    );
    expect(svg).toContain('aria-label="T &amp; U"');
    expect(svg).toContain("<title>&lt;a&gt;: 2 requests</title>");
    expect(svg).toContain("<title>b: 4 requests (1 not modified)</title>");
    expect(svg.match(/<rect/g)).toHaveLength(3);
  });

  it("lists the last days oldest first", () => {
    expect(lastDays(new Date("2026-11-25T23:59:00Z"), 3)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
  });
});
