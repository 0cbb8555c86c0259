// GET /metrics: Prometheus text with requests by route pattern, feed cache, pulls, deliveries, queue.
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { ADMIN_KEY, useTestApp } from "#test/support/app.js";
import { demoPartnersDir } from "#test/support/admin.js";
import { CATEGORIES, article } from "#test/support/builders.js";
import { insertSubscribers, waitForEdition } from "#test/support/subscribers.js";
import { eventually } from "#test/support/eventually.js";

/** The value of one sample line, e.g. sample(text, 'dispatch_deliveries{state="sent"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
}

describe.each(BACKENDS)("GET /metrics (%s)", (backend) => {
  const app = useTestApp(backend, (database) => ({ PARTNERS_DIR: demoPartnersDir(`${database.dataDir}/feeds`) }));

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "metrics-story", category: CATEGORIES[0]!.slug }) });
  });

  it("answers a scraper on this machine in the Prometheus text format, with process metrics", async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("# TYPE nodejs_heap_size_used_bytes gauge");
  });

  it("refuses a request relayed by a proxy unless it brings the admin key", async () => {
    expect((await fetch(`${app.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } })).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9", authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200);
  });

  it("counts requests under their route pattern, never the raw URL", async () => {
    await app.admin("/api/articles/metrics-story");
    await app.admin("/api/articles/no-such-story");
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(sample(text, 'dispatch_http_requests_total{method="GET",route="/api/articles/:slug",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dispatch_http_requests_total{method="GET",route="/api/articles/:slug",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain("metrics-story");
    expect(text).toMatch(/dispatch_http_request_duration_seconds_count\{method="GET",route="\/api\/articles\/:slug"\} \d+/);
  });

  it("counts feed cache renders and hits, and feed requests on the lean path", async () => {
    await fetch(`${app.url}/feeds/all.json`);
    await fetch(`${app.url}/feeds/all.json`);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(sample(text, 'dispatch_feed_cache_total{result="render"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dispatch_feed_cache_total{result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dispatch_http_requests_total{method="GET",route="/feeds/*",status="200"}')).toBe(2);
  });

  it("counts partner pulls by outcome", async () => {
    await app.admin("/api/partners/wire-demo/pull", { method: "POST" });
    await app.admin("/api/partners/wire-demo/pull", { method: "POST" });
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(sample(text, 'dispatch_partner_pulls_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'dispatch_partner_pulls_total{outcome="not_modified"}')).toBe(1);
  });

  it("reads deliveries by state and the queue depth from the database", async () => {
    await insertSubscribers(app.store.db.kysely, [
      { email: "m1@example.com", categories: [CATEGORIES[0]!.slug] },
      { email: "m2@example.com", categories: [CATEGORIES[0]!.slug] },
    ]);
    const { id } = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
    await waitForEdition(app.admin, id);
    // The gauge reading is cached a few seconds: wait for the scrape that sees the edition.
    let text = "";
    await eventually(
      async () => {
        text = await (await fetch(`${app.url}/metrics`)).text();
        expect(sample(text, 'dispatch_deliveries{state="sent"}')).toBe(2);
      },
      10_000,
      100,
    );
    expect(sample(text, 'dispatch_deliveries{state="failed"}')).toBe(0);
    expect(sample(text, "dispatch_queue_depth")).toBe(0);
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  const token = "prometheus-scrape-token-0123";
  const app = useTestApp("sqlite", { METRICS_TOKEN: token });

  it("needs the token, even from this machine", async () => {
    const refused = await fetch(`${app.url}/metrics`);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toContain("METRICS_TOKEN");
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
