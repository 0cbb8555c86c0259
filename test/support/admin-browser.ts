// Browser helpers for the operators' dashboard tests.
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { ADMIN_KEY } from "#test/support/app.js";
import { openAuditPage } from "#test/support/browser.js";

/** A page at the given width, signed in through the sign-in form and showing the dashboard. */
export async function signedInPage(browser: Browser, url: string, width: number): Promise<Page> {
  const page = await openAuditPage(browser, width);
  await page.goto(`${url}/admin/login`);
  await page.getByLabel("Admin key").fill(ADMIN_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Operators' dashboard" }).waitFor();
  return page;
}

/** How far the page is wider than its viewport (0 when nothing scrolls sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** The edition page is server-rendered: reload it until the newest edition reached "done". */
export async function reloadUntilEditionDone(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.locator(".state").first().textContent();
      },
      { timeout: 30_000 },
    )
    .toBe("done");
}
