// Digest story links: /r/{token} counts one click per story and day, for people only, and never
// redirects anywhere but the story; CLICK_TRACKING=off mails direct links.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp, type TestAppFixture } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { request } from "#test/support/http.js";
import { startSmtp, type ReceivedMail, type TestSmtp } from "#test/support/smtp.js";
import { linksIn, waitForEdition } from "#test/support/subscribers.js";
import { createClickTokens } from "#src/clicks/token.js";

const TOKEN_SECRET = "click-test-secret-0123456789";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const OTHER_BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
const STORY = { title: "Council passes the budget", canonicalUrl: "https://news.example.com/council-budget" };

/** Subscribes, confirms, runs a daily edition and returns the digest that reached `email`. */
async function digestFor(app: TestAppFixture, smtp: TestSmtp, email: string): Promise<ReceivedMail> {
  await fetch(`${app.url}/subscribe`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, categories: ["us-news"], frequency: "daily", timezone: "UTC" }),
  });
  await fetch(linksIn(await smtp.waitFor(email)).confirm!);
  const edition = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
  await waitForEdition(app.admin, edition.id);
  await eventually(() => expect(smtp.messages.filter((m) => m.to === email).length).toBe(2));
  return smtp.messages.filter((m) => m.to === email)[1]!;
}

async function seed(app: TestAppFixture): Promise<void> {
  for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  expect((await app.admin("/api/articles", { method: "POST", json: article({ slug: "council-budget", ...STORY }) })).status).toBe(201);
}

const clickLinksIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s"<>]+\/r\/[^\s"<>]+/g)].map((m) => m[0]);

describe.each(BACKENDS)("digest click links on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp.url, TOKEN_SECRET, RANK_CLICK_WEIGHT: "500" }));
  let digest: ReceivedMail;
  let link: string;

  beforeAll(async () => {
    await seed(app);
    digest = await digestFor(app, smtp, "reader@example.com");
    link = clickLinksIn(digest.parsed.text!)[0]!;
  });

  const db = () => app.store.db.kysely;
  const clicks = async () => {
    const rows = await db()
      .selectFrom("engagement")
      .innerJoin("articles", "articles.id", "engagement.article_id")
      .select(["day", "clicks"])
      .where("articles.slug", "=", "council-budget")
      .execute();
    return rows.reduce((n, r) => n + Number(r.clicks), 0);
  };
  const follow = (url: string, headers: Record<string, string> = { "user-agent": BROWSER }, method = "GET") => request(url, { method, headers });

  it("sends the story through /r/ in both parts, and leaves the subscriber's links and headers alone", () => {
    expect(link).toMatch(new RegExp(`^${app.url}/r/\\d+\\.[A-Za-z0-9_-]{22}$`));
    expect(clickLinksIn(digest.parsed.html as string)).toContain(link);
    expect(digest.parsed.text).not.toContain(STORY.canonicalUrl);
    expect(digest.parsed.html).not.toContain(STORY.canonicalUrl);
    const links = linksIn(digest);
    for (const own of [links.preferences, links.unsubscribe]) expect(own).not.toContain("/r/");
    expect(/View in your browser: (\S+)/.exec(digest.parsed.text!)![1]).toContain("/digest/view?");
    const headers = digest.raw.slice(0, digest.raw.indexOf("\r\n\r\n")).replace(/\r\n[ \t]+/g, " ");
    expect(headers).toMatch(/^List-Unsubscribe: <https?:\/\/\S+\/unsubscribe\?token=[^>]+>\r?$/m);
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  });

  it("counts a click for that story and today, and changes nothing about the subscriber", async () => {
    const before = await db().selectFrom("subscribers").selectAll().where("email", "=", "reader@example.com").executeTakeFirstOrThrow();
    const dayBefore = new Date().toISOString().slice(0, 10);
    const response = await follow(link);
    const dayAfter = new Date().toISOString().slice(0, 10);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(STORY.canonicalUrl);
    const rows = await db().selectFrom("engagement").select(["day", "clicks", "views"]).where("clicks", ">", 0).execute();
    expect(rows).toHaveLength(1);
    expect([dayBefore, dayAfter]).toContain(rows[0]!.day);
    expect(Number(rows[0]!.clicks)).toBe(1);
    const after = await db().selectFrom("subscribers").selectAll().where("email", "=", "reader@example.com").executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it("counts a repeat from the same client within the window once, and another client again", async () => {
    const start = await clicks();
    expect((await follow(link)).status).toBe(302);
    expect((await follow(link)).status).toBe(302);
    expect(await clicks()).toBe(start);
    expect((await follow(link, { "user-agent": OTHER_BROWSER })).status).toBe(302);
    expect(await clicks()).toBe(start + 1);
  });

  it.each([
    ["HEAD", { "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0" }, "HEAD"],
    ["a mail scanner", { "user-agent": "Mozilla/5.0 (compatible; Proofpoint URL Defense)" }, "GET"],
    ["a link preview bot", { "user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" }, "GET"],
    ["no User-Agent", {}, "GET"],
    ["a browser prefetch", { "user-agent": "Mozilla/5.0 (X11; Linux) Firefox/133.0 Prefetcher", "sec-purpose": "prefetch" }, "GET"],
  ])("redirects %s without counting it", async (_name, headers, method) => {
    const start = await clicks();
    const response = await follow(link, headers, method);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(STORY.canonicalUrl);
    expect(await clicks()).toBe(start);
  });

  it("redirects only to the story, whatever the query says", async () => {
    const response = await follow(`${link}?url=https://evil.example.com&to=https://evil.example.com`, { "user-agent": BROWSER, accept: "text/html" });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(STORY.canonicalUrl);
  });

  const tokenParts = () => link.slice(link.lastIndexOf("/") + 1).split(".") as [string, string];
  // Flips the lowest bit of one base64url character: in the last one, a bit that decoding drops.
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const flip = (s: string, at: number) => s.slice(0, at) + B64[B64.indexOf(s[at]!) ^ 1] + s.slice(at + 1);
  it.each([
    ["a flipped character", (i: string, s: string) => `${i}.${flip(s, 5)}`],
    ["a flipped spare bit in the last character", (i: string, s: string) => `${i}.${flip(s, s.length - 1)}`],
    ["another article's id", (i: string, s: string) => `${Number(i) + 1}.${s}`],
    ["an extension", (i: string, s: string) => `${i}.${s}A`],
    ["no signature", (i: string) => i],
    ["a target in it", (i: string, s: string) => `${i}.${s}.aHR0cHM6Ly9ldmlsLmV4YW1wbGUuY29t`],
  ])("refuses a token with %s: 400, no redirect, nothing counted", async (_name, tamper) => {
    const start = await clicks();
    const [i, s] = tokenParts();
    const url = `${app.url}/r/${tamper(i, s)}`;
    const page = await follow(url, { "user-agent": BROWSER, accept: "text/html" });
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.text).toContain("This link");
    const api = await follow(url, { "user-agent": BROWSER, accept: "application/json" });
    expect(api.status).toBe(400);
    expect(api.headers.location).toBeUndefined();
    expect(JSON.parse(api.text)).toEqual({ error: expect.stringMatching(/^click: /), fields: { token: expect.any(String) } });
    expect(await clicks()).toBe(start);
  });

  it("answers a well-signed link to an article that is not there with 404, never a redirect", async () => {
    const url = `${app.url}/r/${createClickTokens(TOKEN_SECRET).sign(987654)}`;
    const page = await follow(url, { "user-agent": BROWSER, accept: "text/html" });
    expect(page.status).toBe(404);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain("Story not found");
    expect((await follow(url, { "user-agent": BROWSER, accept: "application/json" })).status).toBe(404);
  });

  it("ranks a story readers click above one with more views, by RANK_CLICK_WEIGHT", async () => {
    const viewed = article({ slug: "viewed-story", title: "Much viewed story", category: "world" });
    const clicked = article({ slug: "clicked-story", title: "Much clicked story", category: "world", publishedAt: viewed.publishedAt });
    for (const a of [viewed, clicked]) expect((await app.admin("/api/articles", { method: "POST", json: a })).status).toBe(201);
    const day = new Date().toISOString().slice(0, 10);
    await app.admin("/api/engagement", { method: "POST", json: { events: [{ slug: "viewed-story", day, views: 200, shares: 0, comments: 0 }] } });
    const order = async () => {
      const html = await (await app.admin("/digest/preview?categories=world&frequency=daily&timezone=UTC")).text();
      return html.indexOf("Much clicked story") < html.indexOf("Much viewed story") ? "clicked first" : "viewed first";
    };
    expect(await order()).toBe("viewed first");
    const { id } = await db().selectFrom("articles").select("id").where("slug", "=", "clicked-story").executeTakeFirstOrThrow();
    const url = `${app.url}/r/${createClickTokens(TOKEN_SECRET).sign(id)}`;
    for (const version of [1, 2, 3]) expect((await follow(url, { "user-agent": `${BROWSER} Reader/${version}` })).status).toBe(302);
    expect(await order()).toBe("clicked first");
  });

  it("reads back the week's most-clicked stories and the last edition's stories for the dashboard", async () => {
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const most = await app.store.clicks.mostClicked(weekAgo, 10);
    expect(most.map((m) => m.slug)).toEqual(["clicked-story", "council-budget"]);
    expect(most.every((m) => m.clicks > 0)).toBe(true);
    const edition = await app.store.clicks.lastEditionStories();
    const { id } = await db().selectFrom("articles").select("id").where("slug", "=", "council-budget").executeTakeFirstOrThrow();
    expect(edition?.stories.get(id)).toEqual({ digests: 1, bestPlace: 1 });
    const dashboard = await (await app.admin("/admin")).text();
    const row = (slug: string) => new RegExp(`<tr data-story="${slug}"><td>[^<]+</td><td class="n">(\\d+)</td><td class="n">([^<]+)`).exec(dashboard)?.slice(1);
    expect(row("council-budget")).toEqual([String(most[1]!.clicks), "1"]);
    expect(row("clicked-story")).toEqual(["3", "—"]);
  });
});

describe("digest links with CLICK_TRACKING=off", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp("sqlite", () => ({ SMTP_URL: smtp.url, TOKEN_SECRET, CLICK_TRACKING: "off" }));

  it("points straight to the story, and a click link already sent still leads there uncounted", async () => {
    await seed(app);
    const digest = await digestFor(app, smtp, "direct@example.com");
    expect(clickLinksIn(digest.parsed.text!)).toEqual([]);
    expect(clickLinksIn(digest.parsed.html as string)).toEqual([]);
    expect(digest.parsed.text).toContain(STORY.canonicalUrl);
    expect(digest.parsed.html).toContain(`href="${STORY.canonicalUrl}"`);
    const { id } = await app.store.db.kysely.selectFrom("articles").select("id").where("slug", "=", "council-budget").executeTakeFirstOrThrow();
    const old = await request(`${app.url}/r/${createClickTokens(TOKEN_SECRET).sign(id)}`, { headers: { "user-agent": BROWSER } });
    expect(old.status).toBe(302);
    expect(old.headers.location).toBe(STORY.canonicalUrl);
    expect(await app.store.db.kysely.selectFrom("engagement").select("clicks").where("clicks", ">", 0).execute()).toEqual([]);
  });
});
