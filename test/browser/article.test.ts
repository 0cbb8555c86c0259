// The article page as a reader sees it, with JavaScript off: Chromium at phone and desktop widths.
// Screenshots go to test-results/article/.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { PAGE_WIDTHS, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

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
          scripts: document.querySelectorAll("script").length,
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
    expect(blocked).toEqual([]);
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
});
