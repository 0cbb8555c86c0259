// Every link lands: the demo's feeds (all formats), home page, article pages and a rendered digest are
// crawled on their own origin, and nothing they link to answers 404; every image answers 200.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "#test/support/app.js";
import { crawl, type CrawlResult } from "#test/support/crawl.js";
import { foreignHosts, referencedHosts } from "#test/support/hosts.js";
import { PROJECT_ROOT } from "#src/paths.js";
import { eventually } from "#test/support/eventually.js";

const IMAGE = /\.(svg|png|jpe?g|gif|webp|ico)$/;

describe("the demo's links", () => {
  const app = useTestApp("sqlite", { SEED_DEMO: "auto", PARTNERS_DIR: path.join(PROJECT_ROOT, "feeds") });
  let result: CrawlResult;
  let slugs: string[];
  let partnerSlugs: string[];

  beforeAll(async () => {
    await partnerPulled(app, "wire-demo");
    const rows = await app.store.db.kysely.selectFrom("articles").select(["slug", "source"]).execute();
    slugs = rows.map((r) => r.slug);
    partnerSlugs = rows.filter((r) => r.source === "wire-demo").map((r) => r.slug);
    const categories: Array<{ slug: string }> = await (await fetch(`${app.url}/categories`)).json();
    const digest = await app.admin(`/digest/preview?categories=${categories.map((c) => c.slug).join(",")}&frequency=daily`);
    expect(digest.status).toBe(200);
    const base = app.baseUrl;
    result = await crawl(new URL(base).origin, [
      { url: `${base}/` },
      { url: `${base}/categories` },
      ...["rss", "atom", "json"].map((f) => ({ url: `${base}/feeds/all.${f}` })),
      // Every article's page, partner articles included (their feed links point at the original).
      ...slugs.map((slug) => ({ url: `${base}/articles/${slug}` })),
      // The digest preview needs the admin key: its links are read here, then crawled without it.
      { url: `${base}/digest/preview`, text: await digest.text() },
    ]);
  });

  it("has no link on its own origin that answers 404", () => {
    const missing = [...result.visits.values()].filter((v) => v.status === 404).map((v) => `${v.url} (linked from ${v.from})`);
    expect(missing).toEqual([]);
    // Everything answers 200 but the preview's subscriber links, which carry no token outside a real email.
    const other = [...result.visits.values()]
      .filter((v) => v.status !== 200)
      .map((v) => `${v.status} ${new URL(v.url).pathname} (from ${new URL(v.from, app.baseUrl).pathname})`);
    expect(other.sort()).toEqual(["400 /preferences (from /digest/preview)", "400 /unsubscribe (from /digest/preview)"]);
    // The crawl really went through the feeds, the pages and the static files.
    const paths = [...result.visits.keys()].map((u) => new URL(u).pathname);
    expect(paths.filter((p) => p.startsWith("/feeds/tags/")).length).toBeGreaterThan(30);
    expect(paths.filter((p) => p.startsWith("/feeds/authors/")).length).toBeGreaterThan(5);
    expect(paths).toEqual(expect.arrayContaining(["/", "/favicon.ico", "/feeds/world.json", "/static/feed-icon.png"]));
  });

  it("answers 200 for every story link and every article page", () => {
    const pages = [...result.visits.values()].filter((v) => new URL(v.url).pathname.startsWith("/articles/"));
    expect(new Set(pages.map((p) => new URL(p.url).pathname))).toEqual(new Set(slugs.map((s) => `/articles/${s}`)));
    for (const page of pages) expect([page.url, page.status, page.type]).toEqual([page.url, 200, "text/html; charset=utf-8"]);
  });

  it("answers 200 with an image for every image URL, the demo partner's included", async () => {
    const images = [...result.visits.values()].filter((v) => IMAGE.test(new URL(v.url).pathname));
    expect(images.length).toBeGreaterThanOrEqual(8);
    for (const image of images) expect([image.url, image.status, image.type]).toEqual([image.url, 200, expect.stringMatching(/^image\//)]);
    for (const slug of partnerSlugs) {
      const stored = await (await app.admin(`/api/articles/${slug}`)).json();
      expect(stored.image.url).toMatch(new RegExp(`^${app.baseUrl}/static/demo/wire-\\d\\.jpg$`));
      expect(result.visits.get(stored.image.url)?.status).toBe(200);
    }
  });

  it("makes a reader's browser or mail client talk to no host but ours and the stories' own", async () => {
    const stories = await app.store.db.kysely.selectFrom("articles").select(["canonical_url", "image_url"]).execute();
    const allowed = [app.baseUrl, ...stories.flatMap((s) => [s.canonical_url, s.image_url]).filter((u): u is string => !!u)];
    const categories: Array<{ slug: string }> = await (await fetch(`${app.url}/categories`)).json();
    const digest = await app.admin(`/digest/preview?categories=${categories.map((c) => c.slug).join(",")}&frequency=daily`);
    const pages = [["/digest/preview", await digest.text()]];
    for (const path of ["/", ...slugs.map((slug) => `/articles/${slug}`), "/admin/login"]) pages.push([path, await (await fetch(`${app.url}${path}`)).text()]);
    const foreign = pages.flatMap(([path, html]) => foreignHosts(html!, allowed).map((host) => `${path}: ${host}`));
    expect(foreign).toEqual([]);
    // The check sees hosts at all: the stories' own hosts are referenced, and allowed.
    expect(pages.flatMap(([, html]) => referencedHosts(html!)).length).toBeGreaterThan(slugs.length);
  });

  it("follows no link to another origin", () => {
    expect([...result.visits.keys()].every((u) => u.startsWith(`${new URL(app.baseUrl).origin}/`))).toBe(true);
    expect([...result.elsewhere].some((u) => u.startsWith("https://wire.example.org/"))).toBe(true);
    expect(partnerSlugs).toHaveLength(5);
  });
});

async function partnerPulled(app: TestApp, slug: string): Promise<void> {
  await eventually(
    async () => {
      const partner = await (await app.admin(`/api/partners/${slug}`)).json();
      if (partner.health.lastStatus === null) throw new Error(`${slug} was not pulled`);
    },
    10_000,
    50,
  );
}
