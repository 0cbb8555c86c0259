// A partner's pace through the app: learned from a real pull of a local feed, recorded on the partner,
// shown by GET /api/partners/{slug} and on the operators' dashboard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { signIn } from "#test/support/admin.js";
import { CATEGORIES } from "#test/support/builders.js";
import { rss, serve, startFeedServer, type FeedServer, type Route } from "#test/feeds-in/support/feed-server.js";

const MINUTE = 60_000;

/** A feed whose items are `gapMinutes` apart, the newest `newestMinutesAgo` before each request. */
function pacedFeed(slug: string, count: number, gapMinutes: number, newestMinutesAgo: number, etag?: string): { route: Route; newest: () => string } {
  let newest = "";
  const route: Route = (req, res) => {
    const now = Date.now();
    const dates = Array.from({ length: count }, (_, i) => new Date(now - (newestMinutesAgo + i * gapMinutes) * MINUTE));
    newest = new Date(Math.floor(dates[0]!.getTime() / 1000) * 1000).toISOString();
    serve(rss(dates.map((d, i) => ({ guid: `${slug}-${i}`, title: `${slug} ${i}`, pubDate: d.toUTCString() }))), etag ? { etag } : {})(req, res);
  };
  return { route, newest: () => newest };
}

describe.each(BACKENDS)("partner pace on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off" }); // these tests decide when to pull
  let server: FeedServer;

  const pullPaced = async (slug: string, feed: ReturnType<typeof pacedFeed>, extra: Record<string, unknown>) => {
    server.route(`/${slug}.xml`, feed.route);
    const created = await app.admin("/api/partners", {
      method: "POST",
      json: { slug, name: `Partner ${slug}`, url: `${server.url}/${slug}.xml`, category: "world", allowPrivateNetwork: true, ...extra },
    });
    expect(created.status).toBe(201);
    const pulled = await app.admin(`/api/partners/${slug}/pull`, { method: "POST" });
    expect(pulled.status).toBe(200);
    return (await app.admin(`/api/partners/${slug}`)).json();
  };
  const waitMinutes = (health: { lastPullAt: string; nextPullAt: string }) => (Date.parse(health.nextPullAt) - Date.parse(health.lastPullAt)) / MINUTE;

  beforeAll(async () => {
    server = await startFeedServer();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });
  afterAll(async () => {
    await server.close();
  });

  it("polls a wire with items minutes apart at its pace, not at its hourly interval", async () => {
    const feed = pacedFeed("fastwire", 8, 3, 1);
    const partner = await pullPaced("fastwire", feed, { intervalMinutes: 60, minIntervalMinutes: 2 });
    expect(partner).toMatchObject({ intervalMinutes: 60, minIntervalMinutes: 2, maxIntervalMinutes: 1440 });
    expect(partner.health).toMatchObject({ lastStatus: "ok", learnedIntervalMinutes: 3, lastNewItemAt: feed.newest() });
    // 8 items within the last 22 minutes, measured over at least an hour: 192 a day.
    expect(partner.health.itemsPerDay).toBe(192);
    expect(waitMinutes(partner.health)).toBe(3);
  });

  it("polls an hourly partner hourly, not every minute, and keeps the last new item time when nothing is new", async () => {
    const feed = pacedFeed("hourly", 5, 60, 30);
    const partner = await pullPaced("hourly", feed, { intervalMinutes: 1 });
    expect(partner.health).toMatchObject({ learnedIntervalMinutes: 60, itemsPerDay: 26.7, lastNewItemAt: feed.newest() });
    expect(waitMinutes(partner.health)).toBe(60);
    const firstNew = partner.health.lastNewItemAt;
    const again = (await (await app.admin("/api/partners/hourly/pull", { method: "POST" })).json()) as {
      pull: { new: number };
      health: { lastNewItemAt: string };
    };
    expect(again.pull.new).toBe(0);
    expect(again.health.lastNewItemAt).toBe(firstNew);
  });

  it("keeps the learned pace through a 304, and falls back to the interval when the dates go", async () => {
    let feed = pacedFeed("steady", 4, 30, 5, '"v1"');
    const partner = await pullPaced("steady", feed, { intervalMinutes: 240 });
    expect(waitMinutes(partner.health)).toBe(30);
    const unchanged = await (await app.admin("/api/partners/steady/pull", { method: "POST" })).json();
    expect(unchanged.health).toMatchObject({ lastStatus: "not_modified", learnedIntervalMinutes: 30 });
    expect(waitMinutes(unchanged.health)).toBe(30);
    feed = pacedFeed("steady", 4, 0, 5, '"v2"'); // every item at one instant: no spacing to read
    server.route("/steady.xml", feed.route);
    const undated = await (await app.admin("/api/partners/steady/pull", { method: "POST" })).json();
    expect(undated.health).toMatchObject({ lastStatus: "ok", learnedIntervalMinutes: null });
    expect(waitMinutes(undated.health)).toBe(240);
  });

  it("keeps a learned pace within the partner's bounds", async () => {
    const partner = await pullPaced("slowblog", pacedFeed("slowblog", 4, 6 * 60, 10), { maxIntervalMinutes: 120 });
    expect(partner.health.learnedIntervalMinutes).toBe(360);
    expect(waitMinutes(partner.health)).toBe(120);
  });

  it("refuses bounds that cannot hold, naming the field", async () => {
    const response = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "bounds", name: "Bounds", url: "https://x.example/f", minIntervalMinutes: 90, maxIntervalMinutes: 30 },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).fields).toEqual({ minIntervalMinutes: "must not be more than maxIntervalMinutes" });
    const zero = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "bounds", name: "Bounds", url: "https://x.example/f", maxIntervalMinutes: 0 },
    });
    expect((await zero.json()).fields).toMatchObject({ maxIntervalMinutes: expect.any(String) });
  });

  it("shows the pace in the dashboard's partner health table", async () => {
    const { session } = await signIn(app.url);
    const html = await (await fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } })).text();
    const row = /<tr data-partner="fastwire">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(row).toContain("posts every 3 min, bounds 2 min – 24 h");
    expect(row).toMatch(/\d+(\.\d)? items\/day/);
    expect(row).toMatch(/new item \d+ min ago/);
  });
});
