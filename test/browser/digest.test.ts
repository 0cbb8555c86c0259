// The digest as a reader sees it: rendered by Chromium at phone and desktop widths.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { PAGE_WIDTHS, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

const RESULTS = screenshotDir("digest");

describe("the digest email in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let html: string;
  const chromium = useChromium();

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database, { SEED_DEMO: "auto" });
    html = await (await app.admin("/digest/preview?categories=us-military,world,science&frequency=daily")).text();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it.each(PAGE_WIDTHS)("reads well at %i px (%s)", async (width) => {
    const layout = await withPage(chromium.browser, width, {}, async (page) => {
      await page.setContent(html, { waitUntil: "load" });
      const layout = await page.evaluate(() => {
        const titles = [...document.querySelectorAll(".story-title a")] as HTMLElement[];
        const images = [...document.querySelectorAll("img")] as HTMLImageElement[];
        return {
          scrollWidth: document.documentElement.scrollWidth,
          titles: titles.map((t) => t.textContent?.trim()),
          titleSize: titles.length ? parseFloat(getComputedStyle(titles[0]!).fontSize) : 0,
          widestImage: Math.max(...images.map((i) => i.getBoundingClientRect().width)),
          imagesLoaded: images.every((i) => i.complete && i.naturalWidth > 0),
          // Gmail and Outlook show no SVG in email.
          imageTypes: [...new Set(images.map((i) => new URL(i.src).pathname.split(".").pop()))],
          storyHeadings: titles.filter((t) => t.closest("h3")).length,
          mainHeadings: document.querySelectorAll("[role=main] h1").length,
          text: document.body.innerText,
        };
      });
      await page.screenshot({ path: path.join(RESULTS, `digest-${width}.png`), fullPage: true });
      return layout;
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(width);
    expect(layout.widestImage).toBeLessThanOrEqual(Math.min(width, 640));
    expect(layout.imagesLoaded).toBe(true);
    expect(layout.titles.length).toBeGreaterThanOrEqual(3);
    expect(layout.imageTypes).toEqual(["jpg"]);
    expect(layout.storyHeadings).toBe(layout.titles.length);
    expect(layout.mainHeadings).toBe(1);
    expect(layout.titleSize).toBeGreaterThanOrEqual(18);
    expect(layout.text).toMatch(/US MILITARY/i);
    expect(layout.text).toMatch(/Photo: /);
    expect(layout.text).toMatch(/Read also/);
    expect(layout.text).toMatch(/Unsubscribe/);
    expect(layout.text).toContain("1 Press Street, Springfield, USA");
  });
});
