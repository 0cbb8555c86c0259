// A real Dispatch after the requests that carry secrets (the admin key, a dashboard session,
// subscriber links, a partner key, a hub URL with a password, the database password): what its
// log and its answers keep of them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "#src/logger.js";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { ADMIN_KEY, startTestApp, type TestApp } from "#test/support/app.js";
import { signIn } from "#test/support/admin.js";
import { article, CATEGORIES, partner } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { postForm } from "#test/support/subscribers.js";

const HUB_PASSWORD = "hub-s3cret-pw";
const DATABASE_PASSWORD = "db-s3cret-pw";

/** The confirmation email's links, read from the outbox (once the file is whole). */
async function linksInOutbox(dataDir: string): Promise<Record<"confirm" | "preferences" | "unsubscribe", string>> {
  const dir = path.join(dataDir, "outbox");
  const links: Record<string, string> = {};
  await eventually(async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(1);
    const text = (await simpleParser(readFileSync(path.join(dir, files[0]!)))).text ?? "";
    for (const route of ["confirm", "preferences", "unsubscribe"]) {
      links[route] = new RegExp(`https?://\\S+/${route}\\?token=[A-Za-z0-9_.%-]+`).exec(text)?.[0] ?? "";
      expect(links[route]).not.toBe("");
    }
  });
  return links as Record<"confirm" | "preferences" | "unsubscribe", string>;
}

/** A database URL with a password (the test servers trust local connections and ignore it). */
function withPassword(database: TestDatabase): TestDatabase {
  if (!database.databaseUrl) return database;
  const url = new URL(database.databaseUrl);
  url.password = DATABASE_PASSWORD;
  return { ...database, databaseUrl: url.toString() };
}

describe.each(BACKENDS)("secrets in the log and the answers on %s", (backend) => {
  let database: TestDatabase;
  let app: TestApp;
  const lines: string[] = [];
  const secrets: Record<string, string> = {};
  const log = () => lines.join("");

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const logger = createLogger("info", { write: (line: string) => void lines.push(line) });
    app = await startTestApp(
      withPassword(database),
      // A hub URL with a password: every publish ping fails (and is logged) with it in the error.
      { WEBSUB_HUB_URL: `http://hubuser:${HUB_PASSWORD}@127.0.0.1:9/hub`, WEBSUB_RETRIES: "0" },
      { logger },
    );
    secrets.adminKey = ADMIN_KEY;
    secrets.tokenSecret = readFileSync(path.join(database.dataDir, "token-secret"), "utf8").trim();
    if (backend === "postgres") secrets.databasePassword = DATABASE_PASSWORD;
    secrets.hubPassword = HUB_PASSWORD;

    for (const c of CATEGORIES) expect((await app.admin("/api/categories", { method: "POST", json: c })).status).toBe(201);
    expect((await app.admin("/api/articles", { method: "POST", json: article({ slug: "logged" }) })).status).toBe(201);

    // Subscriber links: confirm, preferences (page and form), unsubscribe (page and one-click), the web view.
    const subscribed = await fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "reader@example.com", categories: ["world"], frequency: "daily" }),
    });
    expect(subscribed.status).toBe(202);
    const links = await linksInOutbox(database.dataDir);
    for (const [name, link] of Object.entries(links)) secrets[`${name}Token`] = new URL(link).searchParams.get("token")!;
    expect((await fetch(links.confirm)).status).toBe(200);
    expect((await fetch(links.preferences)).status).toBe(200);
    expect((await postForm(links.preferences, [["frequency", "weekly"]])).status).toBe(403);
    expect((await fetch(`${app.url}/digest/view?edition=1&token=${secrets.preferencesToken}`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(links.unsubscribe)).status).toBe(200);
    expect((await postForm(links.unsubscribe, [["List-Unsubscribe", "One-Click"]])).status).toBe(200);

    // A partner key, by header and in the URL; the same key in a URL express answers (404).
    await app.store.partners.upsert(partner(), "api", new Date().toISOString());
    secrets.partnerKey = (await (await app.admin("/api/partners/acme/keys", { method: "POST" })).json()).key;
    expect((await fetch(`${app.url}/partner/feeds/all.rss?key=${secrets.partnerKey}`)).status).toBe(200);
    expect((await fetch(`${app.url}/partner/feeds/all.rss`, { headers: { authorization: `Bearer ${secrets.partnerKey}` } })).status).toBe(200);
    expect((await fetch(`${app.url}/partner/all.rss?page=2&key=${secrets.partnerKey}`)).status).toBe(404);

    // A dashboard session: signed in with the form, then used for a page and the API.
    const { response, session } = await signIn(app.url);
    expect(response.status).toBe(303);
    for (const [index, pair] of session.cookie.split("; ").entries()) secrets[`cookie${index}`] = pair.slice(pair.indexOf("=") + 1);
    secrets.csrf = session.csrf;
    expect((await fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } })).status).toBe(200);
    expect((await fetch(`${app.url}/api/partners`, { headers: { cookie: session.cookie } })).status).toBe(200);

    await eventually(() => expect(log()).toContain("websub: publish ping failed"));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("logs no key, cookie, token or password", () => {
    expect(Object.keys(secrets)).toEqual(
      expect.arrayContaining(["adminKey", "confirmToken", "preferencesToken", "unsubscribeToken", "partnerKey", "cookie0", "cookie1"]),
    );
    const text = log();
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(text.includes(value) || text.includes(encodeURIComponent(value)), `${name} is in the log`).toBe(false);
    }
  });

  it("keeps request lines useful: method, path, the query's other values, which headers were sent", () => {
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req);
    const urls = requests.map((entry) => `${entry.req.method} ${entry.req.url}`);
    expect(urls).toContain("GET /preferences?token=[redacted]");
    expect(urls).toContain("POST /unsubscribe?token=[redacted]");
    expect(urls).toContain("GET /partner/all.rss?page=2&key=[redacted]");
    expect(urls.find((u) => u.startsWith("GET /digest/view?"))).toBe("GET /digest/view?edition=1&token=[redacted]");
    const admin = requests.find((entry) => entry.req.url === "/api/categories")!;
    expect(admin.req.headers.authorization).toBe("[redacted]");
    expect(admin.req.headers["content-type"]).toBe("application/json");
    expect(admin.req.query).toBeUndefined();
    const login = requests.find((entry) => entry.req.method === "POST" && entry.req.url === "/admin/login")!;
    expect(login.req.headers.cookie).toBe("[redacted]");
    expect(login.res.headers["set-cookie"]).toBe("[redacted]");
    expect(login.res.statusCode).toBe(303);
  });

  it("logs a URL with its user name and without its password", () => {
    const ping = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "websub: publish ping failed, giving up")!;
    expect(ping.hub).toBe("http://hubuser:[redacted]@127.0.0.1:9/hub");
  });

  it("answers no secret: the admin API, health, metrics and the dashboard", async () => {
    const { session } = await signIn(app.url);
    const answers = await Promise.all([
      ...[
        "/api/partners",
        "/api/partners/acme",
        "/api/partners/acme/keys",
        "/api/subscribers",
        "/api/subscribers/reader%40example.com",
        "/api/editions",
        "/metrics",
      ].map((p) => app.admin(p)),
      ...["/healthz", "/categories", "/"].map((p) => fetch(`${app.url}${p}`)),
      fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const text = (await Promise.all(answers.map((a) => a.text()))).join("\n");
    for (const [name, value] of Object.entries(secrets)) expect(text.includes(value), `${name} is in an answer`).toBe(false);
  });
});
