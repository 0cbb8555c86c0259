import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";

describe.each(BACKENDS)("admin article API on %s", (backend) => {
  const app = useTestApp(backend);

  beforeAll(async () => {
    for (const c of CATEGORIES) expect((await app.admin("/api/categories", { method: "POST", json: c })).status).toBe(201);
  });

  it("reads back an article identical to what was posted", async () => {
    const input = article({ slug: "us-iraq-talks", tags: ["diplomacy", "iraq"], title: 'Talks & "hopes" — 会談 🇺🇸' });
    const created = await app.admin("/api/articles", { method: "POST", json: input });
    expect(created.status).toBe(201);
    const read = await app.admin("/api/articles/us-iraq-talks");
    expect(read.status).toBe(200);
    const body = await read.json();
    const { image, ...rest } = input;
    expect(body).toMatchObject(rest);
    expect(body.image).toMatchObject(image);
    expect(body.source).toBe("own");
    expect(body.engagement).toEqual({ views: 0, shares: 0, comments: 0, clicks: 0 });
  });

  it("updates an article posted again with an existing slug", async () => {
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "twice", title: "First" }) });
    const second = await app.admin("/api/articles", { method: "POST", json: article({ slug: "twice", title: "Second" }) });
    expect(second.status).toBe(200);
    expect((await second.json()).title).toBe("Second");
  });

  it("names each bad field and changes nothing", async () => {
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "keep-me", title: "Original" }) });
    const response = await app.admin("/api/articles", {
      method: "POST",
      json: { slug: "keep me", title: "", category: "us-news", publishedAt: "not a date", image: { url: "javascript:alert(1)" } },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.fields).toEqual({
      slug: expect.stringMatching(/no spaces/),
      title: "required",
      publishedAt: expect.stringMatching(/ISO 8601/),
      "image.url": expect.stringMatching(/http/),
    });
    const bad = await app.admin("/api/articles", { method: "POST", json: article({ slug: "keep-me", title: "Changed", publishedAt: "yesterday" }) });
    expect(bad.status).toBe(400);
    expect((await (await app.admin("/api/articles/keep-me")).json()).title).toBe("Original");
  });

  it("rejects an unknown category", async () => {
    const response = await app.admin("/api/articles", { method: "POST", json: article({ category: "sports" }) });
    expect(response.status).toBe(400);
    expect((await response.json()).fields).toEqual({ category: 'unknown category "sports"' });
  });

  it("answers malformed JSON with a 400 that says so", async () => {
    const response = await app.admin("/api/articles", { method: "POST", body: "{nope", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "request body is not valid JSON" });
  });

  it.each([
    ["no key", undefined],
    ["a wrong key", "Bearer wrong-key-wrong-key-wrong"],
  ])("refuses %s with 401", async (_label, authorization) => {
    const response = await fetch(`${app.url}/api/articles`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(article()),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/admin key required/);
  });

  it("patches and deletes", async () => {
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "patchable", title: "Before" }) });
    const patched = await app.admin("/api/articles/patchable", { method: "PATCH", json: { title: "After", tags: ["new-tag"] } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ title: "After", tags: ["new-tag"], summary: expect.any(String) });
    expect((await app.admin("/api/articles/patchable", { method: "DELETE" })).status).toBe(204);
    const gone = await app.admin("/api/articles/patchable");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: 'article "patchable" not found' });
  });

  it("adds engagement and shows the totals on the article", async () => {
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "hot" }) });
    const response = await app.admin("/api/engagement", {
      method: "POST",
      json: { events: [{ slug: "hot", day: "2026-11-24", views: 120, shares: 4, comments: 2, clicks: 9 }] },
    });
    expect(response.status).toBe(200);
    expect((await (await app.admin("/api/articles/hot")).json()).engagement).toEqual({ views: 120, shares: 4, comments: 2, clicks: 9 });
    const unknown = await app.admin("/api/engagement", { method: "POST", json: { events: [{ slug: "nope", day: "2026-11-24", views: 1 }] } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).fields).toEqual({ "events.nope": "unknown article" });
  });

  it("lists categories with absolute feed URLs", async () => {
    const response = await fetch(`${app.url}/categories`);
    const list = await response.json();
    expect(list).toContainEqual({
      slug: "us-news",
      name: "US News",
      description: "Across the country.",
      feeds: { rss: `${app.url}/feeds/us-news.rss`, atom: `${app.url}/feeds/us-news.atom`, json: `${app.url}/feeds/us-news.json` },
    });
  });

  it("reports health", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { ok: true, detail: backend } });
  });
});
