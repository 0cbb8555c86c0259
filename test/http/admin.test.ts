// The operators' session over HTTP: sign-in, the cookie's attributes, what it opens, CSRF, sign-out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, useTestApp, type TestApp } from "#test/support/app.js";
import { demoPartnersDir, postAs, signIn } from "#test/support/admin.js";
import { CATEGORIES } from "#test/support/builders.js";

describe.each(BACKENDS)("operators' session (%s)", (backend) => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    app = await startTestApp(database, { PARTNERS_DIR: demoPartnersDir(`${database.dataDir}/feeds`) });
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("answers /admin without a session with the sign-in form and 401", async () => {
    const response = await fetch(`${app.url}/admin`, { redirect: "manual" });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('<label for="key">Admin key</label>');
    expect(html).toContain('action="/admin/login"');
  });

  it("shows the dashboard to the admin key as a bearer token", async () => {
    const response = await app.admin("/admin");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Partner health");
  });

  it("refuses a wrong key with 401 and sets no session", async () => {
    const { response } = await signIn(app.url, "not-the-admin-key-at-all");
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("That key is not the admin key.");
    expect(response.headers.getSetCookie().some((c) => c.startsWith("dispatch_admin="))).toBe(false);
  });

  it("refuses a sign-in without the form's CSRF token", async () => {
    const response = await fetch(`${app.url}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ key: "test-admin-key-0123456789abcdef" }).toString(),
    });
    expect(response.status).toBe(403);
  });

  it("sets an httpOnly, SameSite=Strict, expiring session cookie for the right key", async () => {
    const { response } = await signIn(app.url);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin");
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("dispatch_admin="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Expires=/i);
    expect(cookie).toMatch(/Path=\//);
    // Plain http here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/i);
  });

  it("opens the dashboard, the admin API and the digest preview with the session", async () => {
    const { session } = await signIn(app.url);
    const page = await fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const panel of ["Partner health", "Editions", "Subscribers", "Feed traffic"]) expect(html).toContain(panel);
    expect(html).toContain("Demo Wire Service");

    const api = await fetch(`${app.url}/api/partners`, { headers: { cookie: session.cookie } });
    expect(api.status).toBe(200);
    expect((await api.json()).map((p: { slug: string }) => p.slug)).toContain("wire-demo");

    const preview = await fetch(`${app.url}/digest/preview?categories=world&frequency=daily`, { headers: { cookie: session.cookie } });
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toMatch(/html/);
  });

  it("keeps the bearer key working and refuses the API to a forged cookie", async () => {
    expect((await app.admin("/api/partners")).status).toBe(200);
    const forged = await fetch(`${app.url}/api/partners`, { headers: { cookie: "dispatch_admin=zzzz.abc.def" } });
    expect(forged.status).toBe(401);
  });

  it("does not let the session alone send a form-encoded write to the API", async () => {
    const { session } = await signIn(app.url);
    const response = await fetch(`${app.url}/api/editions`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: session.cookie },
      body: "frequency=daily",
    });
    expect(response.status).toBe(401);
    const json = await fetch(`${app.url}/api/editions`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: session.cookie },
      body: JSON.stringify({ frequency: "daily" }),
    });
    expect(json.status).toBe(202);
  });

  it("refuses a dashboard action without a matching CSRF token", async () => {
    const { session } = await signIn(app.url);
    const forged = await postAs(session, `${app.url}/admin/partners/wire-demo/pull`, {}, "x".repeat(32));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("did not come from this site");
    const ok = await postAs(session, `${app.url}/admin/partners/wire-demo/pull`);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toMatch(/^\/admin\?done=pulled&partner=wire-demo&status=(ok|not_modified)#partners$/);
  });

  it("asks for confirmation before an edition, and starts it only from the confirmed form", async () => {
    const { session } = await signIn(app.url);
    const confirm = await fetch(`${app.url}/admin/editions/new?frequency=weekly`, { headers: { cookie: session.cookie } });
    expect(await confirm.text()).toContain("Send a weekly edition now?");
    const unconfirmed = await postAs(session, `${app.url}/admin/editions`, { frequency: "weekly" });
    expect(unconfirmed.status).toBe(400);
    const started = await postAs(session, `${app.url}/admin/editions`, { frequency: "weekly", confirm: "yes" });
    expect(started.status).toBe(303);
    expect(started.headers.get("location")).toMatch(/^\/admin\/editions\/\d+\?done=started$/);
  });

  it("shows an issued key once and revokes it", async () => {
    const { session } = await signIn(app.url);
    const issued = await postAs(session, `${app.url}/admin/partners/wire-demo/keys`);
    expect(issued.status).toBe(201);
    expect(issued.headers.get("cache-control")).toBe("no-store");
    const key = /dpk_([0-9a-f]{10})_[A-Za-z0-9_-]{32}/.exec(await issued.text())!;
    expect((await fetch(`${app.url}/partner/feeds/all.rss`, { headers: { authorization: `Bearer ${key[0]}` } })).status).toBe(200);
    const revoked = await postAs(session, `${app.url}/admin/partners/wire-demo/keys/${key[1]}/revoke`);
    expect(revoked.status).toBe(303);
    const listing = await (await app.admin("/api/partners/wire-demo/keys")).json();
    expect(listing.keys.find((k: { prefix: string }) => k.prefix === key[1]).revokedAt).not.toBeNull();
  });

  it("signs out: the cookie is cleared and the dashboard asks for the key again", async () => {
    const { session } = await signIn(app.url);
    const out = await postAs(session, `${app.url}/admin/logout`);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/admin/login?out=1");
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith("dispatch_admin="))!;
    expect(cleared).toMatch(/dispatch_admin=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it("ends the session itself on sign-out: a copy of the cookie no longer opens anything, even after a restart", async () => {
    const { session } = await signIn(app.url);
    const asCopy = (path: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: { cookie: session.cookie } });
    expect((await asCopy("/admin")).status).toBe(200);
    expect((await asCopy("/api/editions")).status).toBe(200);
    expect((await postAs(session, `${app.url}/admin/logout`)).status).toBe(303);
    expect((await asCopy("/admin")).status).toBe(401);
    expect((await asCopy("/api/editions")).status).toBe(401);
    // Another session, and the admin key, still work.
    const { session: other } = await signIn(app.url);
    expect((await fetch(`${app.url}/admin`, { headers: { cookie: other.cookie } })).status).toBe(200);
    // The ended session is stored: a restarted service refuses it too.
    await app.close();
    app = await startTestApp(database, { PARTNERS_DIR: demoPartnersDir(`${database.dataDir}/feeds`) });
    expect((await fetch(`${app.url}/admin`, { redirect: "manual", headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await fetch(`${app.url}/admin`, { redirect: "manual", headers: { cookie: other.cookie } })).status).toBe(200);
  });
});

describe("operators' session on an https site", () => {
  const app = useTestApp("sqlite", { BASE_URL: "https://news.example" });

  it("marks the session cookie Secure", async () => {
    const { response } = await signIn(app.url);
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie().find((c) => c.startsWith("dispatch_admin="))).toMatch(/; Secure/i);
  });
});
