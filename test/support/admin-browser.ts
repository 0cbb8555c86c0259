// Browser helpers for the operators' dashboard tests.
import type { Page } from "playwright-core";
import { expect } from "vitest";

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
