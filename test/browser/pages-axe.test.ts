// Every public page and every email, as Chromium renders them at phone and desktop widths, checked by
// axe-core (WCAG 2.x A/AA and best practices): no violations. Screenshots go to test-results/pages/.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { ADMIN_KEY, useTestApp } from "#test/support/app.js";
import { demoInbox } from "#test/mail/demo-inbox.js";
import { PAGE_WIDTHS, axeViolations, screenshotDir, useChromium, withPage } from "#test/support/browser.js";

const RESULTS = screenshotDir("pages");
const READER = "axe.reader@example.com";

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp?.close());
const app = useTestApp("sqlite", () => ({ SMTP_URL: smtp.url, SEED_DEMO: "auto" }));
const chromium = useChromium();

/** How a check reaches its page: a URL (optionally with the admin key), or an email's HTML. */
type Target = { url: string; admin?: boolean } | { html: string } | { open: (page: Page, width: number) => Promise<void> };

/** Sends the home page's form as a person would, with scripts off in the page itself. */
function submitForm(email: string, categories: string[]) {
  return async (page: Page) => {
    await page.goto(`${app.url}/`);
    await page.getByLabel("Email address").fill(email);
    for (const name of categories) await page.getByLabel(name).check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.waitForLoadState("load");
  };
}

describe("public pages and emails, checked by axe", () => {
  const targets = new Map<string, Target>();

  beforeAll(async () => {
    const { confirmation, digest, links, viewUrl } = await demoInbox(app, smtp, READER);
    targets
      .set("home", { url: "/" })
      .set("subscribe-errors", { open: submitForm("not-an-address", []) })
      .set("check-inbox", { open: (page, width) => submitForm(`axe.${width}@example.com`, ["World"])(page) })
      .set("confirm", { url: links.confirm! })
      .set("confirm-invalid", { url: "/confirm?token=not-a-token" })
      .set("preferences", { url: links.preferences })
      .set("unsubscribe", { url: links.unsubscribe })
      .set("article", { url: "/articles/us-iraq-talks" })
      .set("digest-view", { url: viewUrl })
      .set("digest-preview", { url: "/digest/preview?categories=us-military,world,science&frequency=daily", admin: true })
      .set("not-found", { url: "/no-such-page" })
      .set("confirmation-email", { html: String(confirmation.parsed.html) })
      .set("digest-email", { html: String(digest.parsed.html) });
  });

  const names = ["home", "subscribe-errors", "check-inbox", "confirm", "confirm-invalid", "preferences", "unsubscribe", "article"].concat([
    "digest-view",
    "digest-preview",
    "not-found",
    "confirmation-email",
    "digest-email",
  ]);
  const cases = names.flatMap((name) => PAGE_WIDTHS.map(([width, label]) => [name, width, label] as const));

  it.each(cases)("%s at %i px (%s) has no violations", async (name, width) => {
    const target = targets.get(name)!;
    const headers = "admin" in target && target.admin ? { authorization: `Bearer ${ADMIN_KEY}` } : undefined;
    // axe runs as an inline script, which the pages' Content-Security-Policy rightly refuses.
    const options = { bypassCSP: true, ...(headers ? { extraHTTPHeaders: headers } : {}) };
    const violations = await withPage(chromium.browser, width, options, async (page) => {
      if ("url" in target) await page.goto(new URL(target.url, app.url).href, { waitUntil: "load" });
      else if ("html" in target) await page.setContent(target.html, { waitUntil: "load" });
      else await target.open(page, width);
      await page.screenshot({ path: path.join(RESULTS, `${name}-${width}.png`), fullPage: true });
      return axeViolations(page);
    });
    expect(violations).toEqual([]);
  });
});
