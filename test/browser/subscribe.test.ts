// A person in Chromium: fills the form, sees the confirmation page, opens the preferences page from
// the emailed link and changes a category. Screenshots go to test-results/subscribers/.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useMailingApp } from "#test/support/app.js";
import { linksIn } from "#test/support/subscribers.js";
import { PAGE_WIDTHS, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

const RESULTS = screenshotDir("subscribers");

describe("subscribing in a browser", () => {
  const mailing = useMailingApp("sqlite");
  const app = mailing.app;
  const chromium = useChromium();

  it.each(PAGE_WIDTHS)("lists the form's errors at its top, in field order, linked to the fields, at %i px (%s) without scripts", async (width) => {
    await withPage(chromium.browser, width, { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${app.url}/`);
      await page.getByLabel("Email address").fill("reader-at-example.com");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await expect.poll(() => page.title()).toMatch(/^Error: /);
      const summary = page.getByRole("alert");
      expect(await summary.getByRole("heading", { level: 2 }).textContent()).toBe("There is a problem");
      const links = await summary.getByRole("link").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
      expect(links).toEqual([
        ["#email", "Email address: must be an email address, like name@example.com"],
        ["#categories", "Categories: choose at least one category"],
      ]);
      const layout = await page.evaluate(() => {
        const box = document.querySelector(".errors")!;
        const form = box.closest("form");
        const firstField = form?.querySelector("input:not([type=hidden]), select");
        return {
          inForm: form?.getAttribute("action"),
          beforeFields: !!firstField && !!(box.compareDocumentPosition(firstField) & Node.DOCUMENT_POSITION_FOLLOWING),
          focused: document.activeElement === box,
          targets: ["email", "categories"].map((id) => document.getElementById(id)?.tagName),
        };
      });
      expect(layout).toEqual({ inForm: "/subscribe", beforeFields: true, focused: true, targets: ["INPUT", "INPUT"] });
      await page.screenshot({ path: path.join(RESULTS, `0-errors-${width}.png`), fullPage: true });
    });
  });

  it("subscribes, confirms, and changes a category from the emailed link", async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.screenshot({ path: path.join(RESULTS, "1-home.png"), fullPage: true });

    // A mistake first: the page says what is wrong, beside the field.
    await page.getByLabel("Email address").fill("reader-at-example.com");
    await page.getByLabel("World").check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("must be an email address");

    await page.getByLabel("Email address").fill("browser.reader@example.com");
    await page.getByLabel("Weekly").check();
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your inbox");
    await page.screenshot({ path: path.join(RESULTS, "2-check-inbox.png"), fullPage: true });

    const mail = await mailing.smtp.waitFor("browser.reader@example.com");
    const links = linksIn(mail);
    const inbox = await context.newPage();
    await inbox.setContent(String(mail.parsed.html));
    expect(await inbox.getByRole("link", { name: "Confirm my subscription" }).getAttribute("href")).toBe(links.confirm);
    await inbox.screenshot({ path: path.join(RESULTS, "2b-confirmation-email.png"), fullPage: true });
    await inbox.close();
    await page.goto(links.confirm!);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Subscription confirmed");
    await page.screenshot({ path: path.join(RESULTS, "3-confirmed.png"), fullPage: true });

    await page.goto(links.preferences);
    expect(await page.getByLabel("World").isChecked()).toBe(true);
    expect(await page.getByLabel("Weekly").isChecked()).toBe(true);
    await page.getByLabel("US Military").check();
    await page.getByLabel("World").uncheck();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Your preferences are saved.");
    expect(await page.getByLabel("US Military").isChecked()).toBe(true);
    expect(await page.getByLabel("World").isChecked()).toBe(false);
    await page.screenshot({ path: path.join(RESULTS, "4-preferences-saved.png"), fullPage: true });

    const stored = await (await app.admin("/api/subscribers/browser.reader@example.com")).json();
    expect(stored).toMatchObject({ status: "active", categories: ["us-military"], frequency: "weekly", timezone: "Europe/Berlin" });

    await page.getByRole("link", { name: "Unsubscribe from all emails" }).click();
    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("You are unsubscribed");
    await page.screenshot({ path: path.join(RESULTS, "5-unsubscribed.png"), fullPage: true });
    expect((await (await app.admin("/api/subscribers/browser.reader@example.com")).json()).status).toBe("unsubscribed");
    await context.close();
  });
});
