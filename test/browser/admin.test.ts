// An operator in Chromium runs the demo newsroom from /admin alone: signs in (a wrong key first),
// sees every panel with the demo data, pulls the partner, runs an edition into the outbox, revokes a
// partner key, previews a digest, signs out. Screenshots go to test-results/admin/.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { ADMIN_KEY, startTestApp, type TestApp } from "#test/support/app.js";
import { demoPartnersDir } from "#test/support/admin.js";
import { reloadUntilEditionDone } from "#test/support/admin-browser.js";
import { launchChromium, openAuditPage, screenshotDir } from "#test/support/browser.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { request } from "#test/support/http.js";

const RESULTS = screenshotDir("admin");

describe("the operators' dashboard in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let keyPrefix: string;
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database, { SEED_DEMO: "auto", PARTNERS_DIR: demoPartnersDir(`${database.dataDir}/feeds`) });
    // The demo seeds no subscribers: three readers, one still pending.
    await insertSubscribers(app.store.db.kysely, [
      { email: "ana@example.com", categories: ["world", "science"] },
      { email: "ben@example.com", categories: ["us-news"] },
      { email: "cy@example.com", categories: ["world"], status: "pending" },
    ]);
    // Some feed traffic: a reader polling with its ETag (304s), and a partner with its key.
    const first = await request(`${app.url}/feeds/all.rss`);
    for (let i = 0; i < 3; i++) await request(`${app.url}/feeds/all.rss`, { headers: { "if-none-match": String(first.headers.etag) } });
    const { key, prefix } = await (await app.admin("/api/partners/wire-demo/keys", { method: "POST" })).json();
    keyPrefix = prefix;
    await request(`${app.url}/partner/feeds/world.json`, { headers: { authorization: `Bearer ${key}` } });
    browser = await launchChromium();
    page = await openAuditPage(browser, 1280);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  it("refuses a wrong key", async () => {
    await page.goto(`${app.url}/admin`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Operators' sign-in");
    // Where the key is kept on the server is no business of a visitor.
    expect(await page.locator("main").textContent()).not.toMatch(/admin-api-key|data\//);
    expect(await page.locator("#key-help").textContent()).toContain("ADMIN_API_KEY");
    await page.getByLabel("Admin key").fill("this-is-not-the-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("That key is not the admin key.");
    await shot("1-wrong-key");
  });

  it("signs in and shows every panel with the demo data", async () => {
    await page.getByLabel("Admin key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Operators' dashboard");

    const partners = page.locator("#partners");
    const wire = partners.locator('tr[data-partner="wire-demo"]');
    expect(await wire.textContent()).toContain("Demo Wire Service");
    expect(await wire.locator(".state").textContent()).toMatch(/healthy|never pulled/);
    expect(await partners.locator(`tr[data-key="${keyPrefix}"]`).textContent()).toContain("active");

    const editions = page.locator("#editions");
    expect(await editions.textContent()).toContain("No editions yet.");
    expect(await editions.getByRole("link", { name: "Run a daily edition now…" }).count()).toBe(1);

    const subscribers = page.locator("#subscribers");
    expect(await subscribers.locator('[data-status="active"] strong').textContent()).toBe("2");
    expect(await subscribers.locator('[data-status="pending"] strong').textContent()).toBe("1");
    expect(await subscribers.locator('tr[data-category="world"]').textContent()).toContain("1");
    expect(await subscribers.locator("svg.chart").count()).toBe(2);
    expect(await subscribers.locator(".muted").first().textContent()).toMatch(/^Last 7 days: 3 sign-ups, /);

    const traffic = page.locator("#traffic");
    const all = traffic.locator('tr[data-feed="/feeds/all.rss"]');
    expect((await all.locator("td").allTextContents()).slice(1)).toEqual(["4", "3", "75%"]);
    expect(await traffic.locator('tr[data-feed="/partner/feeds/world.json"]').textContent()).toContain("(partner)");
    expect(await traffic.locator("svg.chart").getAttribute("aria-label")).toMatch(
      /^Feed requests per day .*\. 5 requests in 14 days, 3 of them not modified \(304\); most on /,
    );
    expect(await traffic.locator("p").first().textContent()).toBe("5 feed requests in the last 14 days; 60% answered 304 Not Modified.");
    await shot("2-dashboard");
  });

  it("pulls the partner now", async () => {
    await page.locator('tr[data-partner="wire-demo"]').getByRole("button", { name: "Pull now" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Pulled wire-demo: (new items taken|nothing new \(304\))\.$/);
    const row = page.locator('tr[data-partner="wire-demo"]');
    expect(await row.locator(".state").textContent()).toBe("healthy");
    expect(await row.textContent()).toContain("just now");
    await shot("3-pulled");
  });

  it("runs an edition after a confirmation step, into the outbox", async () => {
    await page.getByRole("link", { name: "Run a daily edition now…" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Send a daily edition now?");
    expect(await page.locator("main").textContent()).toContain("to 2 active daily subscribers,");
    await shot("4-confirm-edition");
    await page.getByRole("button", { name: "Yes, send to 2 subscribers" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Edition started: deliveries are being sent.");
    // The page is server-rendered: reload until every delivery reached a final state.
    await reloadUntilEditionDone(page);
    expect(await page.locator(".figures").textContent()).toMatch(/100%done \(2 of 2\)\s*2sent/);
    expect(await page.locator("main").textContent()).toContain("No failed deliveries.");
    expect(readdirSync(path.join(database.dataDir, "outbox")).filter((f) => f.endsWith(".eml"))).toHaveLength(2);
    await shot("5-edition-done");
    await page.getByRole("link", { name: "All editions" }).click();
    expect(await page.locator("#editions tr[data-edition] .state").first().textContent()).toBe("done");
  });

  it("revokes a partner key", async () => {
    const row = page.locator(`tr[data-key="${keyPrefix}"]`);
    await row.getByRole("button", { name: `Revoke key ${keyPrefix}` }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain(`Revoked key ${keyPrefix} of wire-demo`);
    expect(await page.locator(`tr[data-key="${keyPrefix}"] td`).nth(3).textContent()).toMatch(/UTC$/);
    expect(await page.locator(`tr[data-key="${keyPrefix}"]`).getByRole("button").count()).toBe(0);
    await shot("6-key-revoked");
  });

  it("issues a key shown once", async () => {
    await page.locator('tr[data-partner="wire-demo"]').getByRole("button", { name: "Issue a key" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("New key for wire-demo");
    const prefix = (await page.locator("#new-key").textContent())!.slice(4, 14);
    expect(await page.locator("#new-key").textContent()).toMatch(/^dpk_[0-9a-f]{10}_[A-Za-z0-9_-]{32}$/);
    await shot("7-key-issued");
    await page.getByRole("link", { name: "Back to the partners" }).click();
    // A key nobody has used yet says so where the chart of its requests would be.
    expect(await page.locator(`tr[data-key="${prefix}"] td`).nth(5).textContent()).toBe("no requests yet");
  });

  it("previews a digest in a new tab", async () => {
    const [preview] = await Promise.all([page.context().waitForEvent("page"), page.getByRole("button", { name: "Preview" }).click()]);
    await preview.waitForLoadState();
    expect(preview.url()).toContain("/digest/preview?categories=");
    expect(await preview.locator("body").textContent()).toContain("Unsubscribe");
    await preview.screenshot({ path: path.join(RESULTS, "8-preview.png"), fullPage: true });
    await preview.close();
  });

  it("signs out, and the dashboard asks for the key again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("You are signed out.");
    await page.goto(`${app.url}/admin`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Operators' sign-in");
    await shot("9-signed-out");
  });
});
