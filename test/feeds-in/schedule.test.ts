// When partners are pulled: due ones only, a few at a time, with backoff, hints and health.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { CATEGORIES } from "#test/support/builders.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import { testPartnerService } from "#test/feeds-in/support/partners.js";
import type { Store } from "#src/store/index.js";
import { fixture, rss, serve, startFeedServer, type FeedServer, type Route } from "#test/feeds-in/support/feed-server.js";

const MINUTE = 60_000;

describe.each(BACKENDS)("partner scheduling on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let server: FeedServer;
  let partners: PartnerService;
  let clock = new Date("2026-11-25T10:00:00.000Z");
  const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * MINUTE));
  const minutesUntilNext = async (slug: string) => {
    const { health } = await partners.get(slug);
    return (Date.parse(health.nextPullAt!) - clock.getTime()) / MINUTE;
  };
  const addPartner = (slug: string, route: Route, extra: Record<string, unknown> = {}) => {
    server.route(`/${slug}.xml`, route);
    return partners.save({ slug, name: slug, url: `${server.url}/${slug}.xml`, category: "world", allowPrivateNetwork: true, ...extra });
  };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    for (const c of CATEGORIES) await store.categories.upsert(c, clock.toISOString());
    server = await startFeedServer();
    partners = testPartnerService(store, { config: { timeoutMs: 1000 }, now: () => clock });
  });
  afterAll(async () => {
    await partners.close();
    await store.close();
    await server.close();
    await database.drop();
  });

  it("backs off exponentially up to the cap, turns unhealthy after long failure, and recovers", async () => {
    let route: Route = serve("down", { status: 500 });
    await addPartner("flaky", (req, res) => route(req, res));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      await partners.pullNow("flaky");
      waits.push(await minutesUntilNext("flaky"));
      advance(waits.at(-1)!);
    }
    expect(waits).toEqual([15, 30, 60, 120, 240, 240]);
    const failing = await partners.get("flaky");
    expect(failing.health).toMatchObject({
      lastStatus: "error",
      lastError: "fetch: HTTP 500 Internal Server Error",
      errorCount: 6,
      healthy: false,
      failingSince: "2026-11-25T10:00:00.000Z",
    });
    route = serve(rss([{ guid: "back", title: "Back again" }]));
    const { partner, pull } = await partners.pullNow("flaky");
    expect(pull).toMatchObject({ status: "ok", new: 1 });
    expect(partner.health).toMatchObject({ lastStatus: "ok", lastError: null, errorCount: 0, healthy: true, failingSince: null, items: 1 });
  });

  it("honours Retry-After on a 503", async () => {
    await addPartner("busy", serve("busy", { status: 503, headers: { "retry-after": "7200" } }));
    await partners.pullNow("busy");
    expect(await minutesUntilNext("busy")).toBe(120);
  });

  it("honours Cache-Control max-age and the feed's ttl when they ask for longer than the interval", async () => {
    await addPartner("cached", serve(rss([{ guid: "c", title: "Cached" }]), { headers: { "cache-control": "public, max-age=3600" } }));
    await partners.pullNow("cached");
    expect(await minutesUntilNext("cached")).toBe(60);
    // Its items are hours apart: the bound keeps its pace from outweighing the ttl asked for here.
    await addPartner("ttl", serve(fixture("rss2.xml")), { maxIntervalMinutes: 15 });
    await partners.pullNow("ttl");
    expect(await minutesUntilNext("ttl")).toBe(30);
  });

  it("pulls only enabled partners that are due, and a slow or broken one does not stop the others", async () => {
    advance(24 * 60); // everything above is due again
    await addPartner(
      "good",
      serve(
        rss([
          { guid: "g1", title: "Good one" },
          { guid: "g2", title: "Good two" },
        ]),
      ),
    );
    await addPartner("slow", () => {}); // never answers: times out
    await addPartner("broken", serve("<html>", { type: "text/html" }));
    await addPartner("off", serve(rss([{ guid: "o", title: "Off" }])), { enabled: false });
    const summary = await partners.pollDue();
    const bySlug = Object.fromEntries((await partners.list()).map((p) => [p.slug, p.health]));
    expect(bySlug.good).toMatchObject({ lastStatus: "ok", items: 2 });
    expect(bySlug.slow).toMatchObject({ lastStatus: "error", lastError: "fetch: timed out after 1 s" });
    expect(bySlug.broken).toMatchObject({ lastStatus: "error", lastError: "parse: the body is an HTML page, not a feed" });
    expect(bySlug.off).toMatchObject({ lastPullAt: null });
    expect(summary).toMatchObject({ due: 7, failed: 3 });
    const again = await partners.pollDue();
    expect(again.due).toBe(0);
  });
});
