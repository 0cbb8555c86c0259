// Every operators' page as a person sees it, on a phone (375 px) and a desktop (1280 px): no axe-core
// violation, nothing wider than the screen. The data fills every table and chart: the demo newsroom,
// subscribers who joined on different days, an edition sent, a partner key read and one never used.
// Screenshots go to test-results/admin/page-*.png.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { demoPartnersDir } from "#test/support/admin.js";
import { horizontalOverflow, signedInPage } from "#test/support/admin-browser.js";
import { axeViolations, launchChromium, openAuditPage, screenshotDir } from "#test/support/browser.js";
import { insertSubscribers, waitForEdition } from "#test/support/subscribers.js";
import { request } from "#test/support/http.js";
import { createClickTokens } from "#src/clicks/token.js";

const SHOTS = screenshotDir("admin");
const DAY = 86_400_000;

interface AdminPage {
  name: string;
  /** Brings the page up in a signed-in tab (the sign-in page uses a tab without a session). */
  open(page: Page, app: TestApp): Promise<unknown>;
  signedIn: boolean;
}

const PAGES: AdminPage[] = [
  { name: "sign-in", signedIn: false, open: (page, app) => page.goto(`${app.url}/admin/login`) },
  {
    name: "dashboard",
    signedIn: true,
    open: async (page, app) => {
      await page.goto(`${app.url}/admin`);
      // The charts' tables of figures are checked too, so they are opened.
      await page.locator("details").evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    },
  },
  { name: "confirm-edition", signedIn: true, open: (page, app) => page.goto(`${app.url}/admin/editions/new?frequency=daily`) },
  { name: "edition", signedIn: true, open: (page, app) => page.goto(`${app.url}/admin/editions/1`) },
  { name: "not-found", signedIn: true, open: (page, app) => page.goto(`${app.url}/admin/editions/999999`) },
  {
    name: "new-key",
    signedIn: true,
    open: async (page, app) => {
      await page.goto(`${app.url}/admin`);
      await page.locator('tr[data-partner="wire-demo"]').getByRole("button", { name: "Issue a key" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("New key for wire-demo");
    },
  },
  {
    name: "import-report",
    signedIn: true,
    open: async (page, app) => {
      await page.goto(`${app.url}/admin`);
      const csv = Buffer.from("email,lists\nnew@example.com,World\nnot-mail,World\n");
      await page.getByLabel(/^CSV file/).setInputFiles({ name: "list.csv", mimeType: "text/csv", buffer: csv });
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Dry run: nothing was written");
    },
  },
];

/** Subscribers who joined on different days of the last weeks, so the charts have a shape. */
async function seedSubscribers(app: TestApp): Promise<void> {
  const emails = Array.from({ length: 9 }, (_, i) => `reader${i}@example.com`);
  await insertSubscribers(
    app.store.db.kysely,
    emails.map((email, i) => ({ email, categories: i % 2 ? ["world"] : ["science", "us-news"], status: i === 8 ? "pending" : "active" })),
  );
  for (const [i, email] of emails.entries()) {
    const joined = new Date(Date.now() - (3 + i * 3) * DAY).toISOString();
    await app.store.db.kysely.updateTable("subscribers").set({ created_at: joined, confirmed_at: joined }).where("email", "=", email).execute();
  }
}

/** A complaint about one of the edition's messages: its rate shows, marked, beside the edition. */
async function reportComplaint(app: TestApp, edition: number): Promise<void> {
  const { id } = await app.store.db.kysely.selectFrom("subscribers").select("id").where("email", "=", "reader0@example.com").executeTakeFirstOrThrow();
  const events = [{ email: "reader0@example.com", type: "complaint", id: "complaint-1", messageId: `<edition-${edition}.subscriber-${id}@localhost>` }];
  await app.admin("/api/bounces", { method: "POST", json: { events } });
}

/** Feed traffic: a reader polling with its ETag, a partner reading with one key; a second key unused. */
async function seedTraffic(app: TestApp): Promise<void> {
  const first = await request(`${app.url}/feeds/all.rss`);
  for (let i = 0; i < 3; i++) await request(`${app.url}/feeds/all.rss`, { headers: { "if-none-match": String(first.headers.etag) } });
  const { key } = await (await app.admin("/api/partners/wire-demo/keys", { method: "POST" })).json();
  for (let i = 0; i < 2; i++) await request(`${app.url}/partner/feeds/world.json`, { headers: { authorization: `Bearer ${key}` } });
  await app.admin("/api/partners/wire-demo/keys", { method: "POST" });
}

/** Digest clicks: the last edition's first stories (one clicked by two readers), and one story not in it. */
async function seedClicks(app: TestApp, dataDir: string): Promise<void> {
  const tokens = createClickTokens(readFileSync(path.join(dataDir, "token-secret"), "utf8").trim());
  const sent = await app.store.db.kysely.selectFrom("deliveries").select("article_ids").where("state", "=", "sent").executeTakeFirstOrThrow();
  const inEdition = (JSON.parse(sent.article_ids!) as number[]).slice(0, 3);
  const other = await app.store.db.kysely.selectFrom("articles").select("id").where("id", "not in", inEdition).executeTakeFirstOrThrow();
  for (const [i, id] of [...inEdition, inEdition[0]!, other.id].entries()) {
    const response = await request(`${app.url}/r/${tokens.sign(id)}`, {
      headers: { "user-agent": `Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0 Reader/${i}` },
    });
    expect(response.status).toBe(302);
  }
}

describe("every operators' page, on a phone and a desktop", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    app = await startTestApp(database, { SEED_DEMO: "auto", PARTNERS_DIR: demoPartnersDir(`${database.dataDir}/feeds`) });
    await seedSubscribers(app);
    await app.admin("/api/partners/wire-demo/pull", { method: "POST" });
    await seedTraffic(app);
    const { id } = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
    await waitForEdition(app.admin, id);
    await seedClicks(app, database.dataDir);
    await reportComplaint(app, id);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  describe.each([375, 1280])("at %i px", (width) => {
    let operator: Page;
    let visitor: Page;
    beforeAll(async () => {
      operator = await signedInPage(browser, app.url, width);
      visitor = await openAuditPage(browser, width);
    }, 30_000);

    it.each(PAGES)("$name passes axe-core and fits the screen", async ({ name, open, signedIn }) => {
      const page = signedIn ? operator : visitor;
      await open(page, app);
      await page.screenshot({ path: path.join(SHOTS, `page-${name}-${width}.png`), fullPage: true });
      expect({ violations: await axeViolations(page), overflow: await horizontalOverflow(page) }).toEqual({ violations: [], overflow: 0 });
    });
  });
});
