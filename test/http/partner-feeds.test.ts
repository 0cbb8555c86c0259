// Partner syndication: keys issued, shown once, stored hashed, revoked; full-content feeds behind them.
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES, partner } from "#test/support/builders.js";
import { feedparser } from "#test/support/feedparser.js";
import { request } from "#test/support/http.js";

const PARTNER = partner();

describe.each(BACKENDS)("partner feeds and keys on %s", (backend) => {
  const app = useTestApp(backend);
  const issue = async (slug = "acme") => {
    const response = await app.admin(`/api/partners/${slug}/keys`, { method: "POST" });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    await app.store.partners.upsert(PARTNER, "api", new Date().toISOString());
    await app.store.partners.upsert({ ...PARTNER, slug: "sleepy", name: "Sleepy", enabled: false }, "api", new Date().toISOString());
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "full", title: "Full story", body: "<p>The whole body ]]> text.</p>" }) });
  });

  it("issues a key once, stores only its hash, and serves full content with it", async () => {
    const { status, body } = await issue();
    expect(status).toBe(201);
    expect(body.key).toMatch(/^dpk_[0-9a-f]{10}_/);
    const stored = await app.store.db.kysely.selectFrom("partner_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(body.key);
    expect(stored.map((k) => k.prefix)).toContain(body.prefix);

    for (const format of ["rss", "atom"]) {
      const response = await request(`${app.url}/partner/feeds/all.${format}`, { headers: { authorization: `Bearer ${body.key}` } });
      expect(response.status).toBe(200);
      expect(response.headers["cache-control"]).toMatch(/^private/);
      const parsed = await feedparser(response.body);
      expect(parsed.bozo).toBe(0);
      const entry = parsed.entries.find((e) => e.title === "Full story")!;
      expect(entry.content.map((c) => c.value).join("")).toContain("<p>The whole body ]]&gt; text.</p>");
    }
    const json = JSON.parse((await request(`${app.url}/partner/feeds/us-news.json?key=${body.key}`)).text);
    expect(json.items[0].content_html).toContain("<p>The whole body ]]&gt; text.</p>");
    expect(json.feed_url).toBe(`${app.url}/partner/feeds/us-news.json`);
  });

  it.each([
    ["no key", {}, "", 401],
    ["an unknown key", { authorization: "Bearer dpk_0123456789_abcdefghijklmnopqrstuvwxyzABCDEF" }, "", 401],
    ["garbage", {}, "?key=nope", 401],
  ])("refuses %s with %i", async (_label, headers, query, status) => {
    const response = await request(`${app.url}/partner/feeds/all.rss${query}`, { headers });
    expect(response.status).toBe(status);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(JSON.parse(response.text).error).toMatch(/key/);
  });

  it("refuses a revoked key with 403 at once, and keeps other keys working", async () => {
    const keep = (await issue()).body;
    const revoke = (await issue()).body;
    expect((await request(`${app.url}/partner/feeds/all.rss?key=${revoke.key}`)).status).toBe(200);
    expect((await app.admin(`/api/partners/acme/keys/${revoke.prefix}`, { method: "DELETE" })).status).toBe(204);
    const refused = await request(`${app.url}/partner/feeds/all.rss?key=${revoke.key}`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual({ error: "this partner key has been revoked" });
    expect((await request(`${app.url}/partner/feeds/all.rss?key=${keep.key}`)).status).toBe(200);
  });

  it("refuses the keys of a disabled partner with 403", async () => {
    const { body } = await issue("sleepy");
    expect((await request(`${app.url}/partner/feeds/all.rss?key=${body.key}`)).status).toBe(403);
  });

  it("refuses a partner's keys as soon as the partner is disabled, and takes them again when it is enabled", async () => {
    await app.store.partners.upsert({ ...PARTNER, slug: "toggle", name: "Toggle" }, "api", new Date().toISOString());
    const { body } = await issue("toggle");
    const status = async () => (await request(`${app.url}/partner/feeds/all.rss?key=${body.key}`)).status;
    expect(await status()).toBe(200);
    const disable = await app.admin("/api/partners", {
      method: "POST",
      json: { ...PARTNER, slug: "toggle", name: "Toggle", url: "https://toggle.example/feed", category: "world", enabled: false },
    });
    expect(disable.status).toBe(200);
    // At once, not after the few seconds a key check is cached.
    expect(await status()).toBe(403);
    await app.admin("/api/partners", {
      method: "POST",
      json: { ...PARTNER, slug: "toggle", name: "Toggle", url: "https://toggle.example/feed", category: "world", enabled: true },
    });
    expect(await status()).toBe(200);
  });

  it("lists keys by prefix with their requests per day, never the key", async () => {
    const { body } = await issue();
    for (let i = 0; i < 3; i++) await request(`${app.url}/partner/feeds/all.atom`, { headers: { authorization: `Bearer ${body.key}` } });
    const response = await app.admin("/api/partners/acme/keys");
    expect(response.status).toBe(200);
    const listing = await response.json();
    expect(JSON.stringify(listing)).not.toContain(body.key);
    const today = new Date().toISOString().slice(0, 10);
    expect(listing.keys).toContainEqual({ prefix: body.prefix, createdAt: expect.any(String), revokedAt: null, requests: { [today]: 3 } });
  });

  it("answers 404 for keys of an unknown partner or prefix, and 400 for a malformed prefix", async () => {
    expect((await issue("nobody")).status).toBe(404);
    expect((await app.admin("/api/partners/nobody/keys")).status).toBe(404);
    expect((await app.admin("/api/partners/acme/keys/0000000000", { method: "DELETE" })).status).toBe(404);
    const bad = await app.admin("/api/partners/acme/keys/NOPE", { method: "DELETE" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).fields).toEqual({ prefix: "must be a key prefix (10 hex digits)" });
  });

  it("needs the admin key for key management", async () => {
    expect((await fetch(`${app.url}/api/partners/acme/keys`, { method: "POST" })).status).toBe(401);
  });

  it("counts feed requests and 304s per path per day for the admin API", async () => {
    const first = await request(`${app.url}/feeds/world.rss`);
    expect(first.status).toBe(200);
    await request(`${app.url}/feeds/world.rss`, { headers: { "if-none-match": first.headers.etag! } });
    await request(`${app.url}/feeds/world.rss?page=1`);
    await request(`${app.url}/feeds/nothing-here.rss`);
    const response = await app.admin("/api/feeds/stats?days=1");
    expect(response.status).toBe(200);
    const stats = await response.json();
    const today = new Date().toISOString().slice(0, 10);
    expect(stats.feeds).toContainEqual({ path: "/feeds/world.rss", day: today, requests: 3, notModified: 1 });
    expect(stats.feeds.map((f: { path: string }) => f.path)).not.toContain("/feeds/nothing-here.rss");
    expect((await app.admin("/api/feeds/stats?days=0")).status).toBe(400);
    expect((await fetch(`${app.url}/api/feeds/stats`)).status).toBe(401);
  });
});
