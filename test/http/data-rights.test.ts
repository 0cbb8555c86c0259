// A subscriber's own data rights from the preferences page: download everything held, and erase it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { formSession, linksIn, postForm, waitForEdition, mailsTo as mailsToSink, subscribeJson } from "#test/support/subscribers.js";

describe.each(BACKENDS)("subscribers' own data on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp.url }));

  const subscribe = (email: string) => subscribeJson(app.url, email, { headers: { "user-agent": "rights-test" } });
  const mailsTo = (to: string, count: number) => mailsToSink(smtp, to, count);
  const statusOf = async (email: string) => {
    const response = await app.admin(`/api/subscribers/${encodeURIComponent(email)}`);
    return response.status === 200 ? ((await response.json()) as { status: string }).status : response.status;
  };

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    expect((await app.admin("/api/articles", { method: "POST", json: article({ title: "Council passes the budget" }) })).status).toBe(201);
  });

  it("downloads the record, consent and digests sent; erases after a confirmation; an import does not bring the address back", async () => {
    const email = "owner@example.com";
    await subscribe(email);
    await fetch(linksIn((await mailsTo(email, 1))[0]!).confirm!);
    const edition = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
    await waitForEdition(app.admin, edition.id);
    const digest = (await mailsTo(email, 2))[1]!;
    const links = linksIn(digest);
    const viewUrl = /View in your browser: (\S+)/.exec(digest.parsed.text!)![1]!;

    const page = await (await fetch(links.preferences)).text();
    const hrefTo = (path: string) => new RegExp(`href="(${path}\\?token[^"]+)"`).exec(page)![1]!.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&");
    const [dataPath, deletePath] = [hrefTo("/preferences/data"), hrefTo("/preferences/delete")];
    expect(page).toContain("Download my data");
    expect(page).toContain("Delete me");

    const download = await fetch(`${app.url}${dataPath}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toMatch(/^application\/json/);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="?[\w-]+\.json"?$/);
    expect(download.headers.get("cache-control")).toBe("no-store");
    const data = await download.json();
    expect(data.subscriber).toMatchObject({
      email,
      status: "active",
      categories: ["us-news"],
      consent: { at: expect.any(String), source: "form", userAgent: "rights-test", confirmedAt: expect.any(String) },
    });
    expect(data.digests).toEqual([
      {
        edition: edition.id,
        frequency: "daily",
        period: expect.any(String),
        sentAt: expect.any(String),
        stories: [{ title: "Council passes the budget", url: expect.stringMatching(new RegExp(`^${app.url}/articles/[a-z0-9-]+$`)) }],
      },
    ]);

    // Deleting takes a confirmation: the page warns, and a post without its form's CSRF token erases nothing.
    const confirmPage = await formSession(`${app.url}${deletePath}`);
    expect(confirmPage.html).toContain("This cannot be undone");
    expect(confirmPage.html).toContain(email);
    expect((await postForm(`${app.url}${deletePath}`, [], confirmPage.cookie)).status).toBe(403);
    expect(await statusOf(email)).toBe("active");
    const erased = await postForm(`${app.url}${deletePath}`, [["_csrf", confirmPage.csrf]], confirmPage.cookie);
    expect(erased.status).toBe(200);
    expect(await erased.text()).toContain("Your data is deleted");
    expect(await statusOf(email)).toBe(404);

    // Every link they hold is dead, and says so.
    for (const dead of [links.preferences, links.unsubscribe, viewUrl, `${app.url}${dataPath}`, `${app.url}${deletePath}`]) {
      const response = await fetch(dead);
      expect(response.status, dead).toBe(410);
      const html = await response.text();
      expect(html).toContain("This link no longer works");
      expect(html).not.toContain(email);
    }

    // An operator's import of the address (JSON, even "confirmed") keeps it opted out and sends nothing.
    const sentBefore = smtp.messages.length;
    const imported = await app.admin("/api/subscribers", {
      method: "POST",
      json: { email, categories: ["us-news"], frequency: "daily", timezone: "UTC", sendHour: 7, confirmed: true, consentSource: "old list" },
    });
    expect(imported.status).toBe(201);
    expect((await imported.json()).status).toBe("unsubscribed");
    // So does a CSV import, after an operator's erase (which keeps the hash as well).
    expect((await app.admin(`/api/subscribers/${email}`, { method: "DELETE" })).status).toBe(204);
    const csv = await app.admin("/api/subscribers/import?categories=us-news", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: `email,status\n${email},subscribed\n`,
    });
    expect(csv.status).toBe(200);
    expect(await statusOf(email)).toBe("unsubscribed");
    expect(smtp.messages.length).toBe(sentBefore);

    // The owner's own fresh double opt-in works.
    expect((await subscribe(email)).status).toBeLessThan(400);
    const confirmation = (await mailsTo(email, 3))[2]!;
    const again = await fetch(linksIn(confirmation).confirm!);
    expect(again.status).toBe(200);
    expect(await statusOf(email)).toBe("active");
  });
});
