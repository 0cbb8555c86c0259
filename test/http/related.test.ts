// Related stories over real HTTP: on every demo article's page ("Read also" between paragraphs,
// "You may also like" after it, JSON-LD), as JSON at /api/related/{slug}, and as the embed block.
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { OpenAPIV3_1 } from "openapi-types";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { BACKENDS } from "#test/support/backends.js";
import { request } from "#test/support/http.js";
import { article, CATEGORIES } from "#test/support/builders.js";
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
function jsonLdOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
}

/** The hrefs of the "Read also" links and of the "You may also like" block, in order. */
function blocksOf(html: string): { readAlso: string[]; youMayAlsoLike: string[] } {
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

  it("answers what the OpenAPI document says", async () => {
    const doc = (await SwaggerParser.dereference((await (await fetch(`${app.url}/api/openapi.json`)).json()) as OpenAPIV3_1.Document)) as OpenAPIV3_1.Document;
    const operation = doc.paths!["/api/related/{slug}"]!.get!;
    const schema = (operation.responses!["200"] as OpenAPIV3_1.ResponseObject).content!["application/json"]!.schema!;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(JSON.parse((await request(`${app.url}/api/related/us-iraq-talks?limit=10`)).text)), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.paths!["/api/related/{slug}"]!.options).toBeDefined();
    expect(doc.paths!["/embed/related/{slug}"]!.get!.parameters!.map((p) => (p as OpenAPIV3_1.ParameterObject).name)).toEqual(["slug", "limit", "frame"]);
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

describe.each(BACKENDS)("related stories around articles saved through the API, on %s", (backend) => {
  const app = useTestApp(backend);
  const post = async (input: Record<string, unknown>) => expect((await app.admin("/api/articles", { method: "POST", json: input })).status).toBeLessThan(300);
  const paragraphs = (n: number, prefix = "Paragraph") => Array.from({ length: n }, (_, i) => `<p>${prefix} ${i + 1}.</p>`).join("\n");

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    for (let i = 1; i <= 6; i++)
      await post(article({ slug: `oil-${i}`, title: `Oil exports news ${i}`, category: "world", tags: ["oil"], canonicalUrl: null }));
  });

  it("puts Read also after the 2nd and 4th top-level paragraphs, never inside other markup", async () => {
    const body = `${paragraphs(2)}\n<blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>\n${paragraphs(3, "Later")}`;
    await post(article({ slug: "long-oil", category: "world", tags: ["oil"], body, canonicalUrl: null }));
    const html = (await request(`${app.url}/articles/long-oil`)).text;
    const text = /<div class="article-body">([\s\S]*?)<\/div>/.exec(html)![1]!;
    const token = (m: string) => (m === '<p class="read-also">' ? "read also" : m === "<blockquote>" ? "quote" : m.replace(/<\/?p>/g, ""));
    const order = [...text.matchAll(/<p class="read-also">|<p>(?:Paragraph|Later|Quoted) [\w ]+\.<\/p>|<blockquote>/g)].map((m) => token(m[0]));
    expect(order).toEqual([
      "Paragraph 1.",
      "Paragraph 2.",
      "read also",
      "quote",
      "Quoted one.",
      "Quoted two.",
      "Later 1.",
      "Later 2.",
      "read also",
      "Later 3.",
    ]);
  });

  it("puts one Read also after a one-paragraph body, and never offers a story the body links to", async () => {
    await post(
      article({ slug: "short-oil", category: "world", tags: ["oil"], body: `<p>See <a href="/articles/oil-1">the first</a>.</p>`, canonicalUrl: null }),
    );
    const html = (await request(`${app.url}/articles/short-oil`)).text;
    const blocks = blocksOf(html);
    expect(blocks.readAlso).toHaveLength(1);
    expect(html.indexOf('<p class="read-also">')).toBeGreaterThan(html.indexOf("the first</a>.</p>"));
    expect(blocks.youMayAlsoLike).toHaveLength(4);
    expect([...blocks.readAlso, ...blocks.youMayAlsoLike]).not.toContain(`${app.baseUrl}/articles/oil-1`);
  });

  it("gives the page a new ETag when its related stories change", async () => {
    await post(article({ slug: "quiet-story", category: "us-news", tags: ["harbours"], canonicalUrl: null }));
    const first = await request(`${app.url}/articles/quiet-story`);
    const etag = first.headers.etag!;
    expect((await request(`${app.url}/articles/quiet-story`, { headers: { "if-none-match": etag } })).status).toBe(304);
    await post(article({ slug: "harbour-news", title: "Harbours reopen", category: "us-news", tags: ["harbours"], canonicalUrl: null }));
    const changed = await request(`${app.url}/articles/quiet-story`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(blocksOf(changed.text).readAlso).toContain(`${app.baseUrl}/articles/harbour-news`);
  });

  it("writes JSON-LD that no title can break out of, and that parses back to the stored text", async () => {
    const title = `Breaking </script><script>alert(1)</script> & <!-- "quotes" \u2028 next \u2029 end`;
    await post(article({ slug: "hostile-ld", title, author: "Ann </SCRIPT> Lee", summary: "Sum\u2028mary", category: "world", tags: ["oil"] }));
    const stored = (await (await app.admin("/api/articles/hostile-ld")).json()) as { title: string; author: string; summary: string; canonicalUrl: string };
    const html = (await request(`${app.url}/articles/hostile-ld`)).text;
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    const raw = scripts[0]![1]!;
    expect(raw).not.toMatch(/<|>|\u2028|\u2029/);
    expect(JSON.parse(raw)).toMatchObject({
      "@context": "https://schema.org",
      "@type": "NewsArticle",
      headline: stored.title,
      description: stored.summary,
      author: [{ "@type": "Person", name: stored.author }],
      image: ["https://img.example.com/a.jpg"],
      publisher: { "@type": "Organization", name: expect.any(String), logo: { url: `${app.baseUrl}/static/feed-logo.png` } },
      mainEntityOfPage: { "@type": "WebPage", "@id": stored.canonicalUrl },
      datePublished: expect.any(String),
      dateModified: expect.any(String),
    });
    expect(html).toContain(`<meta name="twitter:card" content="summary_large_image">`);
    expect(html).toContain(`<meta name="twitter:image" content="https://img.example.com/a.jpg">`);
  });

  it("serves the embed as a fragment or a page that any site may frame, with links to the top window", async () => {
    const fragment = await request(`${app.url}/embed/related/oil-1`);
    expect(fragment.status).toBe(200);
    expect(fragment.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(fragment.headers["x-frame-options"]).toBeUndefined();
    expect(fragment.headers["content-security-policy"]).toMatch(/frame-ancestors \*/);
    expect(fragment.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(fragment.headers.etag).toMatch(/^"[\w-]{20,}"$/);
    expect((await request(`${app.url}/embed/related/oil-1`, { headers: { "if-none-match": fragment.headers.etag! } })).status).toBe(304);
    const html = fragment.text;
    expect(html.trimStart()).toMatch(/^<section class="dispatch-related"/);
    expect(html).not.toMatch(/<script|<html|\son\w+=/i);
    const links = [...html.matchAll(/<a ([^>]*)>/g)].map((m) => m[1]!);
    expect(links.length).toBe(5);
    for (const link of links) expect(link).toMatch(/target="_top"/);
    // Every class and every selector of its styles belongs to the block's own prefix.
    for (const [, names] of html.matchAll(/class="([^"]+)"/g)) for (const name of names!.split(" ")) expect(name).toMatch(/^dispatch-related/);
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    for (const rule of css.split("}").filter((r) => r.trim()))
      for (const selector of rule.split("{")[0]!.split(",")) expect(selector.trim()).toMatch(/^\.dispatch-related\b/);
    const page = await request(`${app.url}/embed/related/oil-1?frame=1&limit=2`);
    expect(page.text).toMatch(/^<!doctype html>/);
    expect([...page.text.matchAll(/dispatch-related__item/g)]).toHaveLength(2 + 1);
    expect((await request(`${app.url}/embed/related/oil-1?frame=yes`)).status).toBe(400);
    // Elsewhere framing stays refused.
    const articlePage = await request(`${app.url}/articles/oil-1`);
    expect(articlePage.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(articlePage.headers["content-security-policy"]).toMatch(/frame-ancestors 'self'/);
  });
});
