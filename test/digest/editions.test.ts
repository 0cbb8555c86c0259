import { decodeHTML } from "entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { startSmtp, type ReceivedMail, type TestSmtp } from "#test/support/smtp.js";
import { insertSubscribers, waitForEdition } from "#test/support/subscribers.js";
import { eventually } from "#test/support/eventually.js";

describe.each(BACKENDS)("digest editions on %s", (backend) => {
  let database: TestDatabase;
  let smtp: TestSmtp;
  let app: TestApp;
  let ids: Map<string, number>;
  let firstEdition: number;
  let alice: ReceivedMail;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    smtp = await startSmtp();
    app = await startTestApp(database, { SMTP_URL: smtp.url, SEED_DEMO: "auto", DIGEST_RETRY_BASE_MS: "100", MAIL_FROM: "Dispatch <digest@news.example.com>" });
    await app.admin("/api/categories", { method: "POST", json: { slug: "quiet", name: "Quiet Corner" } });
    ids = await insertSubscribers(app.store.db.kysely, [
      { email: "alice@example.com", categories: ["us-military", "world"] },
      { email: "bob@example.com", categories: ["science"] },
      { email: "dave@example.com", categories: ["world"] },
      { email: "erin@example.com", categories: ["us-news"] },
      { email: "frank@example.com", categories: ["quiet"] },
      { email: "gina@example.com", categories: ["world"], frequency: "weekly" },
      { email: "hank@example.com", categories: ["world"], status: "unsubscribed" },
    ]);
    smtp.refuse.set("dave@example.com", 550);
    smtp.refuse.set("erin@example.com", 451);
    // Erin's server refuses once, then accepts: the retry must deliver.
    void (async () => {
      while (!smtp.refused.includes("erin@example.com")) await new Promise((r) => setTimeout(r, 10));
      smtp.refuse.delete("erin@example.com");
    })();
    const response = await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } });
    expect(response.status).toBe(202);
    firstEdition = (await response.json()).id;
    await waitForEdition(app.admin, firstEdition);
    alice = await smtp.waitFor("alice@example.com");
  });
  afterAll(async () => {
    await app.close();
    await smtp.close();
    await database.drop();
  });

  it("accounts for every active daily subscriber", async () => {
    const edition = await (await app.admin(`/api/editions/${firstEdition}`)).json();
    expect(edition).toMatchObject({ id: firstEdition, frequency: "daily", status: "done", counts: { pending: 0, sent: 3, skipped: 1, failed: 1 } });
    expect(edition.failures).toEqual([expect.objectContaining({ email: "dave@example.com", error: expect.stringMatching(/^mail: 550/) })]);
  });

  it("records when an edition finished as its last delivery settles, without anyone reading it", async () => {
    const response = await app.admin("/api/editions", { method: "POST", json: { frequency: "weekly" } });
    const { id } = await response.json();
    const db = app.store.db.kysely;
    let finished: string | null = null;
    await eventually(async () => {
      finished = (await db.selectFrom("editions").select("finished_at").where("id", "=", id).executeTakeFirstOrThrow()).finished_at;
      expect(finished).not.toBeNull();
    });
    const last = await db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.max("updated_at").as("t"))
      .where("edition_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(finished).toBe(last.t);
    expect(await (await app.admin(`/api/editions/${id}`)).json()).toMatchObject({ status: "done", finishedAt: finished, counts: { sent: 1 } });
  });

  it("sends a multipart digest with the documented headers", () => {
    const raw = alice.raw.replace(/\r\n(?=[ \t])/g, "");
    expect(alice.parsed.messageId).toBe(`<edition-${firstEdition}.subscriber-${ids.get("alice@example.com")}@news.example.com>`);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(new RegExp(`^List-Unsubscribe: <${app.url}/unsubscribe\\?token=[^>]+>\\r$`, "m"));
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw).toMatch(/^List-Id: .*<daily\.digest\.news\.example\.com>\r$/im);
    expect(alice.parsed.from?.text).toBe('"Dispatch" <digest@news.example.com>');
  });

  it("carries the top stories of her categories under their headings, with credits and related stories", () => {
    const html = decodeHTML(alice.parsed.html as string);
    expect(alice.parsed.subject).toMatch(/^Daily digest: /);
    expect(html).toContain("US Military");
    expect(html).toContain("World");
    expect(html).not.toContain("Science & Tech");
    expect(html).toContain("Pentagon sends a $900 billion budget request to Congress");
    expect(html).toMatch(/Photo: (Department of Defense|Press TV|Reuters|UN Photo)/);
    expect(html).toContain("Read also");
    expect(html).toMatch(/href="[^"]*\/unsubscribe\?token=/);
    const text = alice.parsed.text!;
    expect(text).toContain("Pentagon sends a $900 billion budget request to Congress");
    expect(text).toMatch(/Unsubscribe: http:\/\/\S+\/unsubscribe\?token=/);
    const stories = (html.match(/class="story-title"/g) ?? []).length;
    expect(stories).toBeGreaterThan(0);
    expect(stories).toBeLessThanOrEqual(5);
  });

  it("retries a temporary refusal and delivers", async () => {
    await smtp.waitFor("erin@example.com");
    const delivery = await app.store.digests.deliveryOf(firstEdition, ids.get("erin@example.com")!);
    expect(delivery).toMatchObject({ state: "sent" });
    expect(delivery!.attempts).toBeGreaterThanOrEqual(2);
  });

  it("counts a permanent refusal as a bounce", async () => {
    const row = await app.store.db.kysely.selectFrom("subscribers").select("bounce_count").where("email", "=", "dave@example.com").executeTakeFirstOrThrow();
    expect(row.bounce_count).toBe(1);
  });

  it("records a subscriber with nothing new as skipped, and sends no email", async () => {
    const delivery = await app.store.digests.deliveryOf(firstEdition, ids.get("frank@example.com")!);
    expect(delivery).toMatchObject({ state: "skipped", lastError: "nothing new since the last digest" });
    expect(smtp.messages.find((m) => m.to === "frank@example.com")).toBeUndefined();
  });

  it("never sends the same story twice in a later edition", async () => {
    const firstTitles = titlesOf(alice);
    const response = await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } });
    const second = (await response.json()).id;
    expect(second).not.toBe(firstEdition);
    await waitForEdition(app.admin, second);
    const again = smtp.messages.filter((m) => m.to === "alice@example.com");
    if (again.length > 1) {
      const secondTitles = titlesOf(again[1]!);
      expect(secondTitles.filter((t) => firstTitles.includes(t))).toEqual([]);
    } else {
      const delivery = await app.store.digests.deliveryOf(second, ids.get("alice@example.com")!);
      expect(delivery?.state).toBe("skipped");
    }
  });

  it("shows the sent digest again in the browser from its link", async () => {
    const viewUrl = decodeHTML(/href="([^"]*\/digest\/view\?[^"]+)"/.exec(alice.parsed.html as string)![1]!);
    const page = await fetch(viewUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const title of titlesOf(alice)) expect(decodeHTML(html)).toContain(title);
    expect((await fetch(viewUrl.replace(/token=[^&]+/, "token=forged.token"))).status).toBe(400);
  });

  it("previews a digest for a subscriber or for chosen categories", async () => {
    const bySubscriber = await app.admin("/digest/preview?subscriber=alice@example.com");
    expect(bySubscriber.status).toBe(200);
    expect(bySubscriber.headers.get("content-type")).toMatch(/text\/html/);
    const byCategories = await app.admin("/digest/preview?categories=science&frequency=daily");
    expect(await byCategories.text()).toContain("NASA sets a date for the next crewed Moon landing");
    const unknown = await app.admin("/digest/preview?categories=nope");
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).fields).toEqual({ categories: "unknown: nope" });
    expect((await fetch(`${app.url}/digest/preview?categories=science`)).status).toBe(401);
  });

  it("suppresses an address a provider reports a complaint for, and mails it no more", async () => {
    const response = await app.admin("/api/bounces", {
      method: "POST",
      json: {
        events: [
          { email: "Bob@EXAMPLE.com", type: "complaint" },
          { email: "nobody@example.com", type: "bounce" },
        ],
      },
    });
    expect(await response.json()).toEqual({
      results: [
        { email: "Bob@example.com", status: "unknown" },
        { email: "nobody@example.com", status: "unknown" },
      ],
    });
    const lower = await app.admin("/api/bounces", { method: "POST", json: { events: [{ email: " bob@EXAMPLE.com ", type: "complaint" }] } });
    expect(await lower.json()).toEqual({ results: [{ email: "bob@example.com", status: "suppressed" }] });
    const third = (await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json()).id;
    await waitForEdition(app.admin, third);
    expect(await app.store.digests.deliveryOf(third, ids.get("bob@example.com")!)).toBeUndefined();
  });

  it("rejects a bad edition request", async () => {
    const response = await app.admin("/api/editions", { method: "POST", json: { frequency: "hourly" } });
    expect(response.status).toBe(400);
    expect((await response.json()).fields).toEqual({ frequency: 'must be "daily" or "weekly"' });
    expect((await app.admin("/api/editions/99999")).status).toBe(404);
  });
});

function titlesOf(mail: ReceivedMail): string[] {
  return [...(mail.parsed.html as string).matchAll(/class="story-title"[^>]*>(?:<[^>]+>)*<a [^>]*>([^<]+)<\/a>/g)].map((m) => decodeHTML(m[1]!));
}
