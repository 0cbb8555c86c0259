// GET /articles/{slug}: the page every story link in feeds and digests lands on.
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES, hoursAgo } from "#test/support/builders.js";
import { request } from "#test/support/http.js";

const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe.each(BACKENDS)("article pages on %s", (backend) => {
  const app = useTestApp(backend);
  const post = async (input: Record<string, unknown>) => expect((await app.admin("/api/articles", { method: "POST", json: input })).status).toBeLessThan(300);

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("shows category, title, author, dates, lead image with credit, body and tags", async () => {
    const published = hoursAgo(5);
    const updated = hoursAgo(1);
    await post(
      article({
        slug: "us-iraq-talks",
        title: "US and Iraq open talks",
        category: "us-military",
        author: "Jane Doe",
        tags: ["Iraq", "diplomacy"],
        body: "<p>Negotiators met in <strong>Baghdad</strong>.</p>",
        canonicalUrl: null,
        image: { url: "https://img.example.com/talks.jpg", alt: "Delegates at a table", credit: "Reuters" },
        publishedAt: published,
        updatedAt: updated,
      }),
    );
    const page = await request(`${app.url}/articles/us-iraq-talks`, { headers: BROWSER });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    const html = page.text;
    expect(html).toContain(`<a href="${app.baseUrl}/#category-us-military">US Military</a>`);
    expect(html).toContain(`<h1 id="article-title">US and Iraq open talks</h1>`);
    expect(html).toContain("By Jane Doe");
    expect(html).toContain(`Published <time datetime="${published}">`);
    expect(html).toContain(`updated <time datetime="${updated}">`);
    expect(html).toContain(`<img src="https://img.example.com/talks.jpg" alt="Delegates at a table">`);
    expect(html).toContain("<figcaption>Photo: Reuters</figcaption>");
    expect(html).toContain("<p>Negotiators met in <strong>Baghdad</strong>.</p>");
    expect(html).toContain(`<a href="${app.baseUrl}/feeds/tags/iraq.atom" type="application/atom+xml">Iraq`);
    expect(html).toContain(`<a href="${app.baseUrl}/feeds/tags/diplomacy.atom" type="application/atom+xml">diplomacy`);
    // No scripts: the page works, and is safe, without them (JSON-LD is data, not a script).
    expect(withoutJsonLd(html)).not.toMatch(/<script/i);
    // The category link lands on the home page's entry for that category.
    expect((await request(`${app.url}/`)).text).toContain(`<li id="category-us-military">`);
  });

  it("points canonical and Open Graph at the article's canonicalUrl, else at itself, and advertises its category's feeds", async () => {
    await post(
      article({
        slug: "moved-story",
        category: "world",
        canonicalUrl: "https://news.example.com/world/moved-story",
        image: { url: "https://img.example.com/m.jpg", alt: "A harbour", credit: "AP" },
      }),
    );
    await post(article({ slug: "own-story", title: "Our own story", canonicalUrl: null, image: null }));
    const moved = (await request(`${app.url}/articles/moved-story`)).text;
    expect(moved).toContain(`<link rel="canonical" href="https://news.example.com/world/moved-story">`);
    expect(moved).toContain(`<meta property="og:url" content="https://news.example.com/world/moved-story">`);
    expect(moved).toContain(`<meta property="og:type" content="article">`);
    expect(moved).toContain(`<meta property="og:image" content="https://img.example.com/m.jpg">`);
    for (const [type, format] of [
      ["application/rss+xml", "rss"],
      ["application/atom+xml", "atom"],
      ["application/feed+json", "json"],
    ]) {
      expect(moved).toContain(
        `<link rel="alternate" type="${type}" title="World (${format === "json" ? "JSON Feed" : format === "rss" ? "RSS" : "Atom"})" href="${app.baseUrl}/feeds/world.${format}">`,
      );
    }
    const own = (await request(`${app.url}/articles/own-story`)).text;
    expect(own).toContain(`<link rel="canonical" href="${app.baseUrl}/articles/own-story">`);
    expect(own).toContain(`<meta property="og:title" content="Our own story">`);
    expect(own).not.toContain("og:image");
    expect(own).not.toContain("<figure");
  });

  it("escapes every piece of plain text and keeps only the sanitized body HTML", async () => {
    await post(
      article({
        slug: "hostile",
        title: `Tom & "Jerry" <3 'quotes'`,
        author: `Eve <img src=x onerror=alert(1)>`,
        summary: `"><b>bold</b>`,
        tags: ["<b>bold</b>"],
        body: `<p onclick="alert(3)">Text<script>alert(4)</script></p>`,
        image: { url: "https://img.example.com/x.jpg", alt: `" onload="alert(5)`, credit: "Agency & Sons" },
      }),
    );
    // The page shows what the API stores, escaped (what the input step keeps of plain text is its own concern).
    const stored = await (await app.admin("/api/articles/hostile")).json();
    const html = (await request(`${app.url}/articles/hostile`)).text;
    expect(html).toContain(`<h1 id="article-title">${escaped(stored.title)}</h1>`);
    expect(html).toContain(`By ${escaped(stored.author)}`);
    expect(html).toContain(`alt="${escaped(stored.image.alt)}"`);
    expect(html).toContain(`Photo: ${escaped(stored.image.credit)}`);
    expect(html).toContain(`<meta name="description" content="${escaped(stored.summary)}">`);
    expect(withoutJsonLd(html)).not.toMatch(/<script|onclick|onerror=|onload=|<img src=x/i);
    expect(html).toContain("<p>Text</p>");
  });

  it("credits a partner's article to the partner and links to the original", async () => {
    await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "wire", name: "Wire & Co", url: "https://wire.example.org/feed.xml", category: "world", enabled: false },
    });
    await post(article({ slug: "from-the-wire", category: "world", canonicalUrl: "https://wire.example.org/2026/story" }));
    await app.store.db.kysely.updateTable("articles").set({ source: "wire" }).where("slug", "=", "from-the-wire").execute();
    const html = (await request(`${app.url}/articles/from-the-wire`)).text;
    expect(html).toContain("from Wire &amp; Co");
    expect(html).toContain(`<a href="https://wire.example.org/2026/story" rel="external">Read the original at Wire &amp; Co</a>`);
    expect(html).toContain(`<link rel="canonical" href="https://wire.example.org/2026/story">`);
  });

  it("answers a matching If-None-Match with 304 and a changed article with a new ETag", async () => {
    await post(article({ slug: "cached", title: "First title" }));
    const first = await request(`${app.url}/articles/cached`);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    const again = await request(`${app.url}/articles/cached`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const head = await request(`${app.url}/articles/cached`, { method: "HEAD" });
    expect([head.status, head.headers.etag, head.body.length]).toEqual([200, etag, 0]);
    await post(article({ slug: "cached", title: "Second title" }));
    const changed = await request(`${app.url}/articles/cached`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.text).toContain("Second title");
  });

  it("lets the page show images from other origins, and only images", async () => {
    await post(article({ slug: "policy" }));
    const policy = (await request(`${app.url}/articles/policy`)).headers["content-security-policy"] as string;
    expect(policy).toContain("img-src 'self' data: https: http:");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'self'");
  });

  it("answers an unknown slug with an HTML 404 page for a browser and JSON for an API client", async () => {
    const page = await request(`${app.url}/articles/no-such-story`, { headers: BROWSER });
    expect(page.status).toBe(404);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("<h1>Page not found</h1>");
    const api = await request(`${app.url}/articles/no-such-story`, { headers: { accept: "application/json" } });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.text)).toEqual({ error: 'article "no-such-story" not found' });
  });
});

/** The page without its JSON-LD block (data that no browser runs; test/http/related.test.ts reads it). */
function withoutJsonLd(html: string): string {
  return html.replace(/<script type="application\/ld\+json">[^<]*<\/script>/g, "");
}

/** Handlebars' escaping of {{ }}: the characters that could end an attribute or start markup. */
function escaped(text: string): string {
  const map: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" };
  return text.replace(/[&<>"'`=]/g, (c) => map[c]!);
}
