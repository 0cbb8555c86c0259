// Feed traffic panel: requests and the share answered 304 per feed, and requests per day.
import type { FeedTraffic } from "#src/store/feed-stats.js";
import { barChart, lastDays } from "#src/admin/charts.js";
import { percent } from "#src/admin/format.js";
import { plural } from "#src/plural.js";

export function trafficPanel(rows: FeedTraffic[], now: Date, days: number) {
  const byFeed = new Map<string, { path: string; requests: number; notModified: number }>();
  const byDay = new Map<string, { requests: number; notModified: number }>();
  for (const r of rows) {
    const feed = byFeed.get(r.path) ?? byFeed.set(r.path, { path: r.path, requests: 0, notModified: 0 }).get(r.path)!;
    feed.requests += r.requests;
    feed.notModified += r.notModified;
    const day = byDay.get(r.day) ?? byDay.set(r.day, { requests: 0, notModified: 0 }).get(r.day)!;
    day.requests += r.requests;
    day.notModified += r.notModified;
  }
  const feeds = [...byFeed.values()].sort((a, b) => b.requests - a.requests || a.path.localeCompare(b.path));
  const total = feeds.reduce((n, f) => n + f.requests, 0);
  const notModified = feeds.reduce((n, f) => n + f.notModified, 0);
  return {
    days,
    total,
    totalText: plural(total, "feed request"),
    daysText: plural(days, "day"),
    notModifiedShare: percent(notModified, total),
    feeds: feeds.map((f) => ({ ...f, share: percent(f.notModified, f.requests), partner: f.path.startsWith("/partner/") })),
    chart: barChart(
      lastDays(now, days).map((day) => ({ label: day, value: byDay.get(day)?.requests ?? 0, part: byDay.get(day)?.notModified ?? 0 })),
      { title: `Feed requests per day (dark: answered 304 Not Modified), last ${days} days`, unit: "request", partLabel: "not modified (304)", table: true },
    ),
  };
}
