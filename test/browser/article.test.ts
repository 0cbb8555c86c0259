// The article page as a reader sees it, with JavaScript off: Chromium at phone and desktop widths,
// with its related stories; and the related stories as another site uses them (an iframe, a CORS
// fetch) from a second local server. Screenshots go to test-results/article/.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { PAGE_WIDTHS, axeViolations, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

const RESULTS = screenshotDir("article");

describe("the article page in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  const chromium = useChromium();

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database, { SEED_DEMO: "auto" });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it.each(PAGE_WIDTHS)("reads well at %i px (%s), without scripts", async (width, name) => {
    const { layout, blocked } = await withPage(chromium.browser, width, { javaScriptEnabled: false }, async (page) => {
      const blocked: string[] = [];
      page.on("console", (m) => m.type() === "error" && blocked.push(m.text()));
      const response = await page.goto(`${app.url}/articles/us-iraq-talks`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      await page.screenshot({ path: path.join(RESULTS, `article-${width}-${name}.png`), fullPage: true });
      const layout = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
        const image = document.querySelector(".lead img") as HTMLImageElement;
        return {
          scrollWidth: document.documentElement.scrollWidth,
          titleSize: parseFloat(style("h1").fontSize),
          bodySize: parseFloat(style(".article-body p").fontSize),
          bodyFont: style(".article-body").fontFamily,
          bodyWidth: box(".article-body").width,
          // The article's own <header> is part of the text, not a second masthead.
          headBorder: style(".article-head").borderBottomWidth,
          image: { loaded: image.complete && image.naturalWidth > 0, width: image.getBoundingClientRect().width, alt: image.alt },
          times: [...document.querySelectorAll("time")].map((t) => t.getAttribute("datetime")),
          // JSON-LD is data, not a script.
          scripts: document.querySelectorAll('script:not([type="application/ld+json"])').length,
          readAlso: [...document.querySelectorAll(".article-body > p.read-also a")].map((a) => a.textContent),
          moreStories: [...document.querySelectorAll(".more-stories li")].map((li) => {
            const img = li.querySelector("img");
            return { link: li.querySelector("a")!.href, image: img ? img.complete && img.naturalWidth > 0 : null, right: li.getBoundingClientRect().right };
          }),
          text: document.body.innerText,
        };
      });
      return { layout, blocked };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(width);
    expect(layout.titleSize).toBeGreaterThanOrEqual(24);
    expect(layout.bodySize).toBeGreaterThanOrEqual(16);
    // The stylesheet loaded (the page's policy allows it) and keeps lines to a readable length.
    expect(layout.bodyFont).toMatch(/Georgia/);
    expect(layout.bodyWidth).toBeLessThanOrEqual(Math.min(width, 740));
    expect(layout.headBorder).toBe("0px");
    expect(layout.image).toEqual({ loaded: true, width: expect.any(Number), alt: "Flags in front of a conference hall" });
    expect(layout.image.width).toBeLessThanOrEqual(width);
    expect(layout.image.width).toBeGreaterThan(width < 600 ? 300 : 600);
    expect(layout.times.length).toBeGreaterThanOrEqual(1);
    for (const t of layout.times) expect(new Date(t!).toISOString()).toBe(t);
    expect(layout.scripts).toBe(0);
    expect(layout.text).toMatch(/US MILITARY/i);
    expect(layout.text).toContain("US and Iraq open talks on the future of coalition troops");
    expect(layout.text).toContain("By Marcus Reyes");
    expect(layout.text).toContain("Photo: Press TV");
    expect(layout.text).toContain("About 2,500 US troops remain in Iraq");
    expect(layout.text).toMatch(/Read also/i);
    expect(layout.text).toContain("You may also like");
    expect(layout.readAlso).toHaveLength(1);
    expect(layout.moreStories).toHaveLength(4);
    for (const story of layout.moreStories) {
      expect(story.image).toBe(true);
      expect(story.right).toBeLessThanOrEqual(width);
    }
    expect(blocked).toEqual([]);
  });

  it.each(PAGE_WIDTHS)("has no axe violations at %i px (%s), related stories and the embed included", async (width, name) => {
    for (const [label, url] of [
      ["article", "/articles/us-iraq-talks"],
      ["embed", "/embed/related/us-iraq-talks?frame=1"],
    ] as const) {
      const violations = await withPage(chromium.browser, width, { bypassCSP: true }, async (page) => {
        await page.goto(`${app.url}${url}`, { waitUntil: "load" });
        await page.screenshot({ path: path.join(RESULTS, `${label}-axe-${width}-${name}.png`), fullPage: true });
        return axeViolations(page);
      });
      expect([label, violations]).toEqual([label, []]);
    }
  });

  it("shows a not-found page for an unknown article, and the site icon", async () => {
    await withPage(chromium.browser, 375, { javaScriptEnabled: false }, async (page) => {
      const response = await page.goto(`${app.url}/articles/no-such-story`);
      expect(response?.status()).toBe(404);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
      await page.screenshot({ path: path.join(RESULTS, "not-found-375.png"), fullPage: true });
      await page.getByRole("link", { name: "Go to the home page" }).click();
      await expect.poll(() => page.url()).toBe(`${app.url}/`);
      const icon = await page.goto(`${app.url}/favicon.ico`);
      expect(icon?.status()).toBe(200);
    });
  });

  describe("from another site", () => {
    let site: http.Server;
    let siteUrl: string;

    beforeAll(async () => {
      // A second origin (another port, another host name): one page frames the embed, one fetches the JSON.
      const pages: Record<string, string> = {
        "/frame": `<!doctype html><html lang="en"><title>Host</title><h1>Host</h1>
          <iframe id="related" title="Related stories" src="${app.url}/embed/related/us-iraq-talks?frame=1" width="400" height="500"></iframe>
          <iframe id="article" title="An article" src="${app.url}/articles/us-iraq-talks" width="400" height="300"></iframe>`,
        "/fetch": `<!doctype html><html lang="en"><title>Host</title><output id="out">waiting</output><script>
          (async () => {
            const url = "${app.url}/api/related/us-iraq-talks?limit=3";
            const first = await fetch(url);
            const json = await first.json();
            const again = await fetch(url, { headers: { "If-None-Match": first.headers.get("ETag") }, cache: "no-store" });
            document.getElementById("out").textContent = JSON.stringify({ status: first.status, youMayAlsoLike: json.youMayAlsoLike.length, readAlso: json.readAlso.length, again: again.status });
          })().catch((e) => { document.getElementById("out").textContent = "failed: " + e; });
        </script>`,
      };
      site = http.createServer((req, res) =>
        res.writeHead(pages[req.url!] ? 200 : 404, { "content-type": "text/html; charset=utf-8" }).end(pages[req.url!] ?? ""),
      );
      await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => site?.close(() => resolve())));

    it("frames the embed (not the article page), and its links open in the top window", async () => {
      await withPage(chromium.browser, 1280, {}, async (page) => {
        await page.goto(`${siteUrl}/frame`, { waitUntil: "load" });
        const embed = page.frameLocator("#related");
        await expect.poll(() => embed.locator("a.dispatch-related__link").count()).toBe(4);
        await page.screenshot({ path: path.join(RESULTS, "embed-in-another-site.png") });
        // The article page keeps refusing other sites' frames.
        const articleFrame = await (await page.locator("#article").elementHandle())!.contentFrame();
        await expect.poll(() => articleFrame!.url()).toMatch(/^chrome-error:/);
        const target = await embed.locator("a.dispatch-related__link").first().getAttribute("href");
        await embed.locator("a.dispatch-related__link").first().click();
        await expect.poll(() => page.url()).toBe(target);
      });
    });

    it("reads /api/related with CORS, conditional requests included", async () => {
      await withPage(chromium.browser, 1280, {}, async (page) => {
        await page.goto(`${siteUrl}/fetch`, { waitUntil: "load" });
        await expect.poll(() => page.locator("#out").textContent()).toMatch(/^\{/);
        expect(JSON.parse((await page.locator("#out").textContent())!)).toEqual({ status: 200, youMayAlsoLike: 3, readAlso: 2, again: 304 });
      });
    });
  });
});
