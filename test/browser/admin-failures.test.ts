// An edition with a failure, in Chromium: the edition page lists the failed address with the SMTP
// server's reason, and "Retry" puts the failed delivery back in the queue.
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { launchChromium, screenshotDir } from "#test/support/browser.js";
import { reloadUntilEditionDone, signedInPage } from "#test/support/admin-browser.js";
import { insertSubscribers } from "#test/support/subscribers.js";

const RESULTS = screenshotDir("admin");

/** Accepts every message except to one address, refused for good (550). */
async function rejectingSmtp(refused: string): Promise<{ url: string; refusals: () => number; close(): Promise<void> }> {
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === refused) return (refusals++, callback(Object.assign(new Error("5.1.1 mailbox unavailable"), { responseCode: 550 })));
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    refusals: () => refusals,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("an edition with a failed delivery, in a browser", () => {
  let database: TestDatabase;
  let smtp: Awaited<ReturnType<typeof rejectingSmtp>>;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    smtp = await rejectingSmtp("gone@example.com");
    app = await startTestApp(database, { SEED_DEMO: "auto", SMTP_URL: smtp.url });
    await insertSubscribers(app.store.db.kysely, [
      { email: "here@example.com", categories: ["world"] },
      { email: "gone@example.com", categories: ["world"] },
    ]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.close();
    await database?.drop();
  });

  it("shows the failure with its reason and retries it", { timeout: 60_000 }, async () => {
    const page = await signedInPage(browser, app.url, 1280);
    await page.getByRole("link", { name: "Run a daily edition now…" }).click();
    await page.getByRole("button", { name: "Yes, send to 2 subscribers" }).click();
    await reloadUntilEditionDone(page);
    const failure = page.locator("table tbody tr");
    expect(await failure.count()).toBe(1);
    const cells = await failure.locator("td").allTextContents();
    expect(cells[0]).toBe("gone@example.com");
    expect(cells[2]).toContain("mailbox unavailable");
    await page.screenshot({ path: path.join(RESULTS, "10-edition-failure.png"), fullPage: true });

    await page.getByRole("button", { name: "Retry the failed delivery" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("1 failed delivery put back in the queue.");
    // The server refuses it a second time: the delivery ends failed again, with the same reason.
    await expect.poll(() => smtp.refusals(), { timeout: 30_000 }).toBe(2);
    await reloadUntilEditionDone(page);
    expect(await page.locator("table tbody tr td").first().textContent()).toBe("gone@example.com");

    await page.goto(`${app.url}/admin`);
    const row = page.locator("#editions tr[data-edition]").first();
    expect((await row.locator("td.n").allTextContents()).slice(0, 3)).toEqual(["1", "0", "1"]);
    await page.close();
  });
});
