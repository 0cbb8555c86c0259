// A subscriber in Chromium downloads their data and deletes themselves from the preferences page;
// axe checks the preferences, confirmation and "deleted" pages. Screenshots go to test-results/data-rights/.
import path from "node:path";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { useMailingApp } from "#test/support/app.js";
import { linksIn } from "#test/support/subscribers.js";
import { axeViolations, PAGE_WIDTHS, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

const RESULTS = screenshotDir("data-rights");

describe("a subscriber's own data in a browser", () => {
  const mailing = useMailingApp("sqlite");
  const app = mailing.app;
  const chromium = useChromium();

  it.each(PAGE_WIDTHS)("downloads their data and deletes themselves after confirming, at %i px (%s)", async (width, name) => {
    const email = `rights-${name}@example.com`;
    await fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, categories: ["world"], frequency: "daily", timezone: "UTC" }),
    });
    const links = linksIn(await mailing.smtp.waitFor(email));
    await fetch(links.confirm!);

    // bypassCSP: axe goes into the page as an inline script.
    await withPage(chromium.browser, width, { acceptDownloads: true, bypassCSP: true }, async (page) => {
      await page.goto(links.preferences);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, `0-preferences-${width}.png`), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download my data" }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.json$/);
      const data = JSON.parse(await readFile((await download.path())!, "utf8"));
      expect(data.subscriber).toMatchObject({ email, status: "active", consent: { source: "form" } });
      expect(data.digests).toEqual([]);

      await page.getByRole("link", { name: "Delete me" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Delete my subscription and data");
      expect(await page.textContent("main, body")).toContain("This cannot be undone");
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, `1-confirm-${width}.png`), fullPage: true });

      await page.getByRole("button", { name: "Yes, delete me and my data" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your data is deleted");
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, `2-deleted-${width}.png`), fullPage: true });

      const dead = await page.goto(links.preferences);
      expect(dead?.status()).toBe(410);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link does not work");
    });
    expect((await app.admin(`/api/subscribers/${email}`)).status).toBe(404);
  });
});
