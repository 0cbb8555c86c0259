// WebSub: feeds advertise the hub; article writes ping it for each affected feed, retrying a
// failing hub and never blocking or failing the write when it is down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { deadUrl, startHub, type HubStub } from "#test/support/hub.js";
import { eventually } from "#test/support/eventually.js";
import { request } from "#test/support/http.js";
import { createWebSubPublisher, type PingOutcome } from "#src/feeds-out/websub.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "#src/config.js";
import { createServices } from "#src/main.js";

const FEEDS = ["all", "us-news", "tags/economy", "authors/jane-doe"];
const urlsOf = (base: string, names: string[]) => names.flatMap((n) => ["rss", "atom", "json"].map((f) => `${base}/feeds/${n}.${f}`));

describe.each(BACKENDS)("WebSub on %s", (backend) => {
  let database: TestDatabase;
  let app: TestApp | undefined;
  let hub: HubStub | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterEach(async () => {
    await app?.close();
    await hub?.close();
    app = hub = undefined;
  });
  afterAll(async () => {
    await database.drop();
  });

  const start = async (hubUrl: string) => {
    app = await startTestApp(database, { WEBSUB_HUB_URL: hubUrl, WEBSUB_RETRIES: "3", WEBSUB_RETRY_BASE_MS: "20" });
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    return app;
  };

  it("advertises the hub and self in every feed and its Link header, and pings for each affected feed", async () => {
    hub = await startHub();
    const running = await start(hub.url);
    const created = await running.admin("/api/articles", {
      method: "POST",
      json: article({ slug: "ws-1", category: "us-news", tags: ["economy"], author: "Jane Doe" }),
    });
    expect(created.status).toBe(201);
    const expected = urlsOf(running.url, FEEDS);
    await eventually(() => expect(hub!.pings.map((p) => p.url)).toEqual(expect.arrayContaining(expected)));
    expect(new Set(hub.pings.map((p) => p.mode))).toEqual(new Set(["publish"]));
    expect(hub.pings.map((p) => p.url)).not.toContain(`${running.url}/feeds/us-military.rss`);

    const rss = await request(`${running.url}/feeds/us-news.rss`);
    expect(rss.headers.link).toBe(`<${hub.url}>; rel="hub", <${running.url}/feeds/us-news.rss>; rel="self"`);
    expect(rss.text).toContain(`<atom:link rel="hub" href="${hub.url}"/>`);
    expect(rss.text).toContain(`<atom:link rel="self" href="${running.url}/feeds/us-news.rss" type="application/rss+xml"/>`);
    expect((await request(`${running.url}/feeds/us-news.atom`)).text).toContain(`<link rel="hub" href="${hub.url}"/>`);
    expect(JSON.parse((await request(`${running.url}/feeds/us-news.json`)).text).hubs).toEqual([{ type: "WebSub", url: hub.url }]);
  });

  it("retries a hub that fails until it accepts", async () => {
    hub = await startHub({ failFirst: 8 });
    const running = await start(hub.url);
    await running.admin("/api/articles", { method: "POST", json: article({ slug: "ws-2", category: "world", tags: [], author: null }) });
    const target = `${running.url}/feeds/world.atom`;
    // The first 8 pings fail, whichever feeds they are for; every feed refused is pinged again until accepted.
    await eventually(() => {
      expect(hub!.pings.filter((p) => p.status === 503)).toHaveLength(8);
      const refused = new Set(hub!.pings.filter((p) => p.status === 503).map((p) => p.url));
      const accepted = new Set(hub!.pings.filter((p) => p.status === 204).map((p) => p.url));
      expect([...refused].filter((url) => !accepted.has(url))).toEqual([]);
      expect(accepted).toContain(target);
    }, 20_000);
  });

  it("saves articles normally while the hub is down", async () => {
    const running = await start(await deadUrl());
    const created = await running.admin("/api/articles", { method: "POST", json: article({ slug: "ws-3", title: "Written anyway", category: "world" }) });
    expect(created.status).toBe(201);
    expect((await request(`${running.url}/feeds/world.rss`)).text).toContain("Written anyway");
    expect((await running.admin("/api/articles/ws-3", { method: "DELETE" })).status).toBe(204);
  });
});

describe("WebSub publisher", () => {
  it("gives up on a hub that stays down after its retries, and reports it", async () => {
    const outcomes: PingOutcome[] = [];
    const publisher = createWebSubPublisher({ hubUrl: await deadUrl(), retries: 2, retryBaseMs: 10, timeoutMs: 2000, logger: pino({ level: "silent" }) }, (o) =>
      outcomes.push(o),
    );
    publisher.publish(["http://example.test/feeds/all.rss"]);
    await eventually(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({ url: "http://example.test/feeds/all.rss", ok: false, attempts: 3 });
    publisher.close();
  });

  it("sends one ping per URL while an earlier ping for it is still pending", async () => {
    const hub = await startHub();
    const outcomes: PingOutcome[] = [];
    const publisher = createWebSubPublisher({ hubUrl: hub.url, retries: 0, retryBaseMs: 10, timeoutMs: 2000, logger: pino({ level: "silent" }) }, (o) =>
      outcomes.push(o),
    );
    publisher.publish(["http://example.test/a", "http://example.test/a", "http://example.test/b"]);
    await eventually(() => expect(outcomes).toHaveLength(2));
    expect(hub.pings.map((p) => p.url).sort()).toEqual(["http://example.test/a", "http://example.test/b"]);
    publisher.close();
    await hub.close();
  });

  it("lets a short-lived process (a seed from the command line) finish its pings, retries included, before it exits", async () => {
    const hub = await startHub({ failFirst: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-websub-cli-"));
    const services = await createServices(
      loadConfig({
        DATA_DIR: dir,
        PARTNERS_DIR: dir,
        BASE_URL: "https://news.example.com",
        WEBSUB_HUB_URL: hub.url,
        WEBSUB_RETRY_BASE_MS: "50",
        LOG_LEVEL: "silent",
      }),
      pino({ level: "silent" }),
    );
    try {
      await services.store.categories.upsert(CATEGORIES[0]!, new Date().toISOString());
      await services.articles.save(article({ slug: "cli-1", category: CATEGORIES[0]!.slug, tags: [], author: null }));
    } finally {
      await services.close();
    }
    // The first ping was refused (503); its retry went out before close() returned.
    const target = `https://news.example.com/feeds/${CATEGORIES[0]!.slug}.rss`;
    expect(hub.pings.filter((p) => p.url === target).map((p) => p.status)).toEqual([204]);
    expect(hub.pings.filter((p) => p.status === 503)).toHaveLength(1);
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
