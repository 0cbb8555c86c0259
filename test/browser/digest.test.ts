// The digest as a reader sees it: rendered by Chromium at phone and desktop widths.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { launchChromium } from "#test/support/browser.js";
import { PROJECT_ROOT } from "#src/paths.js";

const RESULTS = path.join(PROJECT_ROOT, "test-results", "digest");

describe("the digest email in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database, { SEED_DEMO: "auto" });
    html = await (await app.admin("/digest/preview?categories=us-military,world,science&frequency=daily")).text();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  it.each([
    [375, "phone"],
    [1024, "desktop"],
  ])("reads well at %i px (%s)", async (width, _name) => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
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
        text: document.body.innerText,
      };
    });
    await page.screenshot({ path: path.join(RESULTS, `digest-${width}.png`), fullPage: true });
    await page.close();
    expect(layout.scrollWidth).toBeLessThanOrEqual(width);
    expect(layout.widestImage).toBeLessThanOrEqual(Math.min(width, 640));
    expect(layout.imagesLoaded).toBe(true);
    expect(layout.titles.length).toBeGreaterThanOrEqual(3);
    expect(layout.titleSize).toBeGreaterThanOrEqual(18);
    expect(layout.text).toMatch(/US MILITARY/i);
    expect(layout.text).toMatch(/Photo: /);
    expect(layout.text).toMatch(/Read also/);
    expect(layout.text).toMatch(/Unsubscribe/);
    expect(layout.text).toContain("1 Press Street, Springfield, USA");
  });
});
