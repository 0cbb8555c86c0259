import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { formSession, linksIn, postForm } from "#test/support/subscribers.js";
import { createTokens } from "#src/subscribers/tokens.js";

const choices = { categories: ["us-news", "world"], frequency: "daily", timezone: "America/Chicago", sendHour: 7 };

describe.each(BACKENDS)("subscribers over HTTP on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({
    SMTP_URL: smtp.url,
    SUBSCRIBE_LIMIT_PER_IP: "10000",
    SUBSCRIBE_LIMIT_PER_ADDRESS: "100",
    PUBLISHER_NAME: "Springfield Ledger",
  }));

  const subscribeJson = (body: object) =>
    fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "journey-test" },
      body: JSON.stringify(body),
    });
  const exported = async (email: string) => (await app.admin(`/api/subscribers/${encodeURIComponent(email)}`)).json();
  const mailsTo = (to: string) => smtp.messages.filter((m) => m.to === to);
  const waitForMails = async (to: string, count: number) => {
    await eventually(() => expect(mailsTo(to).length).toBeGreaterThanOrEqual(count));
    return mailsTo(to);
  };

  beforeAll(async () => {
    for (const c of CATEGORIES) expect((await app.admin("/api/categories", { method: "POST", json: c })).status).toBe(201);
  });

  it("takes a subscriber from subscribe to confirm, preferences and one-click unsubscribe", async () => {
    const subscribed = await subscribeJson({ email: "  Jane.Reader@Example.COM ", ...choices });
    expect(subscribed.status).toBe(202);
    const mail = await smtp.waitFor("Jane.Reader@example.com");
    expect(mail.parsed.subject).toBe("Confirm your subscription to Springfield Ledger");
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail.parsed.html).toContain("Confirm my subscription");
    const links = linksIn(mail);
    expect(links.confirm).toMatch(new RegExp(`^${app.url}/confirm\\?token=`));
    expect(await exported("Jane.Reader@EXAMPLE.com ")).toMatchObject({ status: "pending" });

    const confirmed = await fetch(links.confirm!);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Subscription confirmed");
    const afterConfirm = await exported("Jane.Reader@example.com");
    expect(afterConfirm).toMatchObject({
      email: "Jane.Reader@example.com",
      status: "active",
      categories: ["us-news", "world"],
      frequency: "daily",
      timezone: "America/Chicago",
      sendHour: 7,
      consent: { ip: "127.0.0.1", userAgent: "journey-test", source: "form", confirmedAt: expect.any(String) },
    });

    const page = await formSession(links.preferences);
    expect(page.html).toContain("Jane.Reader@example.com");
    const forged = await postForm(
      links.preferences,
      [
        ["categories", "us-military"],
        ["frequency", "weekly"],
      ],
      page.cookie,
    );
    expect(forged.status).toBe(403);
    expect((await exported("Jane.Reader@example.com")).categories).toEqual(["us-news", "world"]);
    const saved = await postForm(
      links.preferences,
      [
        ["categories", "world"],
        ["frequency", "weekly"],
        ["timezone", "Europe/Paris"],
        ["sendHour", "18"],
        ["_csrf", page.csrf],
      ],
      page.cookie,
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Your preferences are saved.");
    expect(await exported("Jane.Reader@example.com")).toMatchObject({
      categories: ["world"],
      frequency: "weekly",
      timezone: "Europe/Paris",
      sendHour: 18,
      status: "active",
    });

    const oneClick = () => postForm(links.unsubscribe, [["List-Unsubscribe", "One-Click"]]);
    const first = await oneClick();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("You are unsubscribed");
    expect(await exported("Jane.Reader@example.com")).toMatchObject({ status: "unsubscribed", unsubscribedAt: expect.any(String) });
    expect((await oneClick()).status).toBe(200);
  });

  it("shows a one-button unsubscribe page that works without a cookie", async () => {
    await subscribeJson({ email: "button@example.com", ...choices });
    const { unsubscribe } = linksIn(await smtp.waitFor("button@example.com"));
    const page = await (await fetch(unsubscribe)).text();
    expect(page).toContain("Stop all digests to <strong>button@example.com</strong>?");
    const action = /<form method="post" action="([^"]+)"/
      .exec(page)![1]!
      .replace(/&#x3D;/g, "=")
      .replace(/&amp;/g, "&");
    expect((await postForm(`${app.url}${action}`, [["List-Unsubscribe", "One-Click"]])).status).toBe(200);
    expect((await exported("button@example.com")).status).toBe("unsubscribed");
  });

  it("needs a new confirmation to resubscribe, and the old links stop working", async () => {
    await subscribeJson({ email: "again@example.com", ...choices });
    const old = linksIn(await smtp.waitFor("again@example.com"));
    await fetch(old.confirm!);
    await postForm(old.unsubscribe, [["List-Unsubscribe", "One-Click"]]);
    await subscribeJson({ email: "again@example.com", ...choices, categories: ["world"] });
    const mails = await waitForMails("again@example.com", 2);
    expect(mails).toHaveLength(2);
    expect(await exported("again@example.com")).toMatchObject({ status: "pending", categories: ["world"], unsubscribedAt: null });
    const stale = await fetch(old.preferences);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("This link no longer works");
    const fresh = linksIn(mails[1]!);
    expect((await fetch(fresh.confirm!)).status).toBe(200);
    expect((await exported("again@example.com")).status).toBe("active");
  });

  it("answers the same for new, pending, active and unsubscribed addresses", async () => {
    await subscribeJson({ email: "pending@example.com", ...choices });
    await subscribeJson({ email: "active@example.com", ...choices });
    await fetch(linksIn(await smtp.waitFor("active@example.com")).confirm!);
    await subscribeJson({ email: "left@example.com", ...choices });
    await postForm(linksIn(await smtp.waitFor("left@example.com")).unsubscribe, [["List-Unsubscribe", "One-Click"]]);
    const answers = [];
    for (const email of ["brand-new@example.com", "pending@example.com", "active@example.com", "left@example.com"]) {
      const response = await subscribeJson({ email, ...choices });
      answers.push({ status: response.status, body: await response.text() });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // The active address keeps its choices and gets a pointer to its preferences, not a new confirmation.
    const activeMails = await waitForMails("active@example.com", 2);
    expect(activeMails[1]!.parsed.subject).toBe("You are already subscribed to Springfield Ledger");
    expect(linksIn(activeMails[1]!).confirm).toBeUndefined();
    expect((await exported("active@example.com")).status).toBe("active");
  });

  it.each([
    ["a tampered token", (t: string) => t.slice(0, -3) + (t.endsWith("abc") ? "xyz" : "abc"), "This link is not valid"],
    ["a cut token", (t: string) => t.split(".")[0]!, "This link is incomplete"],
    ["no token", () => "", "This link is incomplete"],
  ])("answers %s with a clear page and no one's data", async (_label, change, message) => {
    await subscribeJson({ email: `token-${message.length}-${_label.length}@example.com`, ...choices });
    const links = linksIn(await smtp.waitFor(`token-${message.length}-${_label.length}@example.com`));
    for (const link of [links.confirm!, links.preferences, links.unsubscribe]) {
      const url = new URL(link);
      url.searchParams.set("token", change(url.searchParams.get("token")!));
      const response = await fetch(url);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).not.toContain("@example.com");
    }
  });

  it("refuses a token meant for another page, and an expired confirmation", async () => {
    await subscribeJson({ email: "purpose@example.com", ...choices });
    const links = linksIn(await smtp.waitFor("purpose@example.com"));
    const token = new URL(links.preferences).searchParams.get("token")!;
    const wrong = await fetch(`${app.url}/unsubscribe?token=${token}`, { method: "POST" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("meant for a different page");
    expect((await exported("purpose@example.com")).status).toBe("pending");

    const secret = readFileSync(path.join(app.database.dataDir, "token-secret"), "utf8").trim();
    const { id } = (await app.store.subscribers.getByEmail("purpose@example.com"))!;
    const old = createTokens(secret, () => new Date(Date.now() - 49 * 3600_000)).sign(id, 1, "confirm");
    const expired = await fetch(`${app.url}/confirm?token=${old}`);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("has expired");
    expect((await exported("purpose@example.com")).status).toBe("pending");
  });

  it("names each bad field of a JSON subscription", async () => {
    const response = await subscribeJson({ email: "not-an-address", categories: ["sports"], frequency: "hourly", timezone: "Mars/Olympus", sendHour: 25 });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(Object.keys(body.fields).sort()).toEqual(["email", "frequency", "sendHour", "timezone"]);
    expect(body.fields.timezone).toMatch(/IANA/);
    const unknown = await subscribeJson({ email: "ok@example.com", ...choices, categories: ["sports"] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).fields).toEqual({ categories: 'unknown category "sports"' });
    expect(smtp.messages.some((m) => m.to === "ok@example.com")).toBe(false);
  });

  it("subscribes through the HTML form, shows its errors, and refuses a form without its CSRF token", async () => {
    const home = await formSession(`${app.url}/`);
    const form = (email: string): Array<[string, string]> => [
      ["email", email],
      ["categories", "world"],
      ["frequency", "daily"],
      ["timezone", "UTC"],
      ["sendHour", "7"],
      ["_csrf", home.csrf],
    ];
    const ok = await postForm(`${app.url}/subscribe`, form("form@example.com"), home.cookie);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Check your inbox");
    await smtp.waitFor("form@example.com");

    const bad = await postForm(`${app.url}/subscribe`, form("nope"), home.cookie);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("must be an email address");
    expect(html).toContain('value="nope"');

    const forged = await postForm(`${app.url}/subscribe`, form("forged@example.com").slice(0, -1), home.cookie);
    expect(forged.status).toBe(403);
    const noCookie = await postForm(`${app.url}/subscribe`, form("forged@example.com"));
    expect(noCookie.status).toBe(403);
    expect(await exported("forged@example.com")).toMatchObject({ error: expect.any(String) });
  });

  it("serves a home page with feed autodiscovery, the subscribe form and security headers", async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    // The forms must keep posting to this plain-http origin.
    expect(response.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
    const html = await response.text();
    for (const c of CATEGORIES) {
      expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="${c.name} (RSS)" href="${app.url}/feeds/${c.slug}.rss">`);
      expect(html).toContain(`href="${app.url}/feeds/${c.slug}.atom"`);
      expect(html).toContain(`href="${app.url}/feeds/${c.slug}.json"`);
      expect(html).toMatch(new RegExp(`<input(?: id="categories")? type="checkbox" name="categories" value="${c.slug}">`));
    }
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<label for="email">Email address</label>');
  });
});
