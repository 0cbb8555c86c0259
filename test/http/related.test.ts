// Related stories over real HTTP: on every demo article's page ("Read also" between paragraphs,
// "You may also like" after it, JSON-LD), as JSON at /api/related/{slug}, and as the embed block.
import { describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { request } from "#test/support/http.js";
import { DEMO_ARTICLES } from "#src/demo/content.js";

interface Item {
  title: string;
  url: string;
  image: { url: string; alt: string; credit: string } | null;
  category: { slug: string; name: string };
  publishedAt: string;
}
interface Related {
  readAlso: Item[];
  youMayAlsoLike: Item[];
}

/** The page's JSON-LD blocks, parsed back. */
export function jsonLdOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
}

/** The hrefs of the "Read also" links and of the "You may also like" block, in order. */
export function blocksOf(html: string): { readAlso: string[]; youMayAlsoLike: string[] } {
  const readAlso = [...html.matchAll(/<p class="read-also">[\s\S]*?<a href="([^"]+)"/g)].map((m) => m[1]!);
  const section = /<section class="more-stories"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
  return { readAlso, youMayAlsoLike: [...section.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!) };
}

describe("related stories of the demo newsroom", () => {
  const app = useTestApp("sqlite", { SEED_DEMO: "auto" });
  const pageOf = (slug: string) => `${app.baseUrl}/articles/${slug}`;

  it.each(DEMO_ARTICLES.map((a) => a.slug))("%s: a page with both blocks, and the same stories as JSON", async (slug) => {
    const page = await request(`${app.url}/articles/${slug}`);
    expect(page.status).toBe(200);
    const blocks = blocksOf(page.text);
    expect(blocks.readAlso.length).toBeGreaterThanOrEqual(1);
    expect(blocks.youMayAlsoLike).toHaveLength(4);
    const all = [...blocks.readAlso, ...blocks.youMayAlsoLike];
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(pageOf(slug));
    const api = await request(`${app.url}/api/related/${slug}`);
    expect(api.status).toBe(200);
    const json = JSON.parse(api.text) as Related;
    expect(json.youMayAlsoLike.map((i) => i.url)).toHaveLength(4);
    expect(json.readAlso).toHaveLength(2);
    expect([...json.readAlso, ...json.youMayAlsoLike].map((i) => i.url)).not.toContain(pageOf(slug));
    for (const item of [...json.readAlso, ...json.youMayAlsoLike]) {
      expect(item.url.startsWith(`${app.baseUrl}/articles/`)).toBe(true);
      expect((await request(item.url.replace(app.baseUrl, app.url))).status).toBe(200);
    }
    const [ld] = jsonLdOf(page.text);
    expect(ld).toMatchObject({
      "@type": "NewsArticle",
      headline: DEMO_ARTICLES.find((a) => a.slug === slug)!.title,
      mainEntityOfPage: { "@id": pageOf(slug) },
    });
  });

  it("answers JSON with the documented fields, absolute URLs, images with alt and credit, and category names", async () => {
    const json = JSON.parse((await request(`${app.url}/api/related/us-iraq-talks`)).text) as Related;
    const item = json.readAlso[0]!;
    expect(Object.keys(item).sort()).toEqual(["category", "image", "publishedAt", "title", "url"]);
    expect(item.image).toEqual({ url: expect.stringMatching(/^http:\/\/.+\/static\/demo\/.+\.jpg$/), alt: expect.any(String), credit: expect.any(String) });
    expect(item.category.name).not.toBe(item.category.slug);
    expect(new Date(item.publishedAt).toISOString()).toBe(item.publishedAt);
  });

  it.each([
    ["0", 400],
    ["11", 400],
    ["2.5", 400],
    ["many", 400],
    ["1", 200],
    ["10", 200],
  ])("bounds ?limit=%s (%i)", async (limit, status) => {
    const response = await request(`${app.url}/api/related/us-iraq-talks?limit=${limit}`);
    expect(response.status).toBe(status);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    const body = JSON.parse(response.text) as Related & { error?: string; fields?: Record<string, string> };
    if (status === 400) expect(body.fields).toEqual({ limit: "must be a whole number from 1 to 10" });
    else expect(body.youMayAlsoLike).toHaveLength(Number(limit));
  });

  it("caches with a strong ETag (304), allows any origin and answers the CORS preflight", async () => {
    const first = await request(`${app.url}/api/related/us-iraq-talks`, { headers: { origin: "https://elsewhere.example" } });
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(first.headers.etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    expect(first.headers["access-control-allow-origin"]).toBe("*");
    const again = await request(`${app.url}/api/related/us-iraq-talks`, { headers: { "if-none-match": first.headers.etag! } });
    expect([again.status, again.body.length, again.headers.etag]).toEqual([304, 0, first.headers.etag]);
    const preflight = await request(`${app.url}/api/related/us-iraq-talks`, {
      method: "OPTIONS",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-methods"]).toContain("GET");
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/if-none-match/i);
  });

  it("answers an unknown or malformed slug with JSON errors", async () => {
    const unknown = await request(`${app.url}/api/related/no-such-story`, { headers: { accept: "text/html" } });
    expect([unknown.status, JSON.parse(unknown.text)]).toEqual([404, { error: 'article "no-such-story" not found' }]);
    expect(unknown.headers["access-control-allow-origin"]).toBe("*");
    const bad = await request(`${app.url}/api/related/Not%20A%20Slug`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).fields).toHaveProperty("slug");
  });
});
