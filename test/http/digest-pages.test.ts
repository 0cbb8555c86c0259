// The digest's pages: "view in browser" (a subscriber's token) and the operators' preview.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { linksIn, postForm, waitForEdition, mailsTo as mailsToSink, subscribeJson } from "#test/support/subscribers.js";

describe.each(BACKENDS)("digest pages on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp.url }));

  const subscribe = (email: string) => subscribeJson(app.url, email);
  const mailsTo = (to: string, count: number) => mailsToSink(smtp, to, count);

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    expect((await app.admin("/api/articles", { method: "POST", json: article({ title: "Council passes the budget" }) })).status).toBe(201);
  });

  it("opens a past digest only with a token of the current subscription", async () => {
    await subscribe("reader@example.com");
    await fetch(linksIn((await mailsTo("reader@example.com", 1))[0]!).confirm!);
    const edition = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
    await waitForEdition(app.admin, edition.id);
    const digest = (await mailsTo("reader@example.com", 2))[1]!;
    const viewUrl = /View in your browser: (\S+)/.exec(digest.parsed.text!)![1]!;
    const view = await fetch(viewUrl);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain("Council passes the budget");

    // Unsubscribed, then subscribed again: every link sent before is dead, this one too.
    expect((await postForm(linksIn(digest).unsubscribe, [["List-Unsubscribe", "One-Click"]])).status).toBe(200);
    await subscribe("reader@example.com");
    await mailsTo("reader@example.com", 3);
    const stale = await fetch(viewUrl);
    expect(stale.status).toBe(400);
    const html = await stale.text();
    expect(html).toContain("This link no longer works");
    expect(html).not.toMatch(/preferences\?token=|unsubscribe\?token=/);
    expect(html).not.toContain("Council passes the budget");
  });

  it("answers a bad time zone on the preview with 400 naming the field", async () => {
    const response = await app.admin("/digest/preview?categories=us-news&frequency=daily&timezone=Mars/Olympus");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "preview: invalid input", fields: { timezone: expect.stringMatching(/IANA time zone/) } });
    const fine = await app.admin("/digest/preview?categories=us-news&timezone=america/chicago");
    expect(fine.status).toBe(200);
  });
});
