// The digest archive as a reader sees it: Chromium at phone and desktop widths, axe-clean, with no
// horizontal scrolling. Screenshots go to test-results/archive/.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { PAGE_WIDTHS, axeViolations, launchChromium, openAuditPage, screenshotDir } from "#test/support/browser.js";
import { sendArchivedEdition } from "#test/support/archive.js";
import type { Browser } from "playwright-core";

const RESULTS = screenshotDir("archive");

describe("the digest archive in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;
  let period: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database);
    browser = await launchChromium();
    ({ period } = await sendArchivedEdition(app, ["Council passes the budget", "Council budget vote draws a crowd", "Floods abroad cut a railway"]));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  const pages = () => [
    ["page", `/digests/daily/${period}`],
    ["index", "/digests"],
  ];

  it.each(PAGE_WIDTHS)("reads well and passes axe at %i px (%s)", async (width, name) => {
    for (const [kind, url] of pages()) {
      const page = await openAuditPage(browser, width);
      try {
        const response = await page.goto(`${app.url}${url}`, { waitUntil: "load" });
        expect(response?.status()).toBe(200);
        await page.screenshot({ path: path.join(RESULTS, `${kind}-${width}-${name}.png`), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect({ url, violations: await axeViolations(page), overflow }).toEqual({ url, violations: [], overflow: 0 });
      } finally {
        await page.context().close();
      }
    }
  });
});
