// The public archive of digests: a page per period, the index and the feeds, over real HTTP on a
// real database, with a subscriber planted whose address must never show.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { eventually } from "#test/support/eventually.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { feedparser } from "#test/support/feedparser.js";
import { rssProblems } from "#test/support/rss-rules.js";
import { OLDER, PLANTED, sendArchivedEdition } from "#test/support/archive.js";

const TITLES = ["Council passes the <budget> & more", "Council budget vote draws a crowd", "Floods abroad cut a railway"];

describe.each(BACKENDS)("the digest archive on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp.url }));
  let edition: { id: number; period: string };
  let pageUrl: string;

  beforeAll(async () => {
    edition = await sendArchivedEdition(app, TITLES);
    pageUrl = `${app.url}/digests/daily/${edition.period}`;
  });

  /** No address, no token, no personal link: nothing of any subscriber. */
  function expectNoSubscriberData(body: string) {
    expect(body).not.toContain(PLANTED.email);
    expect(body).not.toMatch(/zebulon|quagmire/i);
    expect(body).not.toMatch(/token=|\/unsubscribe|\/preferences|\/digest\/view/);
  }

  it("shows the period's top stories, grouped by category, with related stories and no subscriber data", async () => {
    const response = await fetch(pageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("Council passes the &lt;budget&gt; &amp; more");
    expect(html).toContain("Floods abroad cut a railway");
    expect(html).toMatch(/<h2>US News<\/h2>[\s\S]*<h2>World<\/h2>|<h2>World<\/h2>[\s\S]*<h2>US News<\/h2>/);
    expect(html).toMatch(new RegExp(`Related:</p>\\s*<ul class="related">\\s*<li><a href="[^"]+">${OLDER}</a>`));
    expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="Daily digests (RSS)" href="${app.url}/digests/daily.rss">`);
    expect(html).toContain(`href="${app.url}/digests/daily.atom"`);
    expectNoSubscriberData(html);
  });

  it("answers a repeat request with the same ETag by 304", async () => {
    const first = await fetch(pageUrl);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"/);
    const again = await fetch(pageUrl, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it.each([
    ["/digests/daily/1999-01-01", 404, /Page not found/],
    ["/digests/weekly/2026-W02", 404, /Page not found/],
    ["/digests/monthly/2026-12", 404, /Page not found/],
    ["/digests/daily/2026-13-45", 400, /must be a day: YYYY-MM-DD/],
    ["/digests/daily/yesterday", 400, /must be a day/],
    ["/digests/weekly/2026-W60", 400, /must be an ISO week: YYYY-Www/],
    ["/digests/daily?page=0", 400, /page number/],
  ])("answers %s with %i and an HTML page", async (path, status, text) => {
    const response = await fetch(`${app.url}${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(await response.text()).toMatch(text);
  });

  it("lists the edition on the index pages, newest first, and not under the other frequency", async () => {
    for (const path of ["/digests", "/digests/daily"]) {
      const html = await (await fetch(`${app.url}${path}`)).text();
      expect(html).toContain(`href="/digests/daily/${edition.period}"`);
      expectNoSubscriberData(html);
    }
    const weekly = await (await fetch(`${app.url}/digests/weekly`)).text();
    expect(weekly).not.toContain(`/digests/daily/${edition.period}`);
    expect(weekly).toContain("No digest has been sent yet.");
  });

  it("offers valid RSS 2.0 and Atom 1.0 feeds whose items link to the archive page", async () => {
    const rss = await fetch(`${app.url}/digests/daily.rss`);
    expect(rss.status).toBe(200);
    expect(rss.headers.get("content-type")).toMatch(/application\/rss\+xml/);
    const rssXml = await rss.text();
    expect(await rssProblems(rssXml)).toEqual([]);
    const atom = await fetch(`${app.url}/digests/daily.atom`);
    expect(atom.headers.get("content-type")).toMatch(/application\/atom\+xml/);
    const atomXml = await atom.text();
    for (const [xml, version] of [
      [rssXml, "rss20"],
      [atomXml, "atom10"],
    ] as const) {
      const parsed = await feedparser(xml);
      expect({ bozo: parsed.bozo, error: parsed.bozo_exception, version: parsed.version }).toEqual({ bozo: 0, error: "", version });
      expect(parsed.entries).toHaveLength(1);
      expect(parsed.entries[0]!.link).toBe(pageUrl);
      expect(parsed.entries[0]!.content[0]!.value).toContain("Floods abroad cut a railway");
      expectNoSubscriberData(xml);
    }
    const etag = rss.headers.get("etag")!;
    expect((await fetch(`${app.url}/digests/daily.rss`, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("keeps the subscriber's own view in the browser working", async () => {
    await eventually(() => expect(smtp.messages.some((m) => m.to === PLANTED.email)).toBe(true));
    const digest = smtp.messages.find((m) => m.to === PLANTED.email)!;
    const viewUrl = /View in your browser: (\S+)/.exec(digest.parsed.text!)![1]!;
    const view = await fetch(viewUrl);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain("Floods abroad cut a railway");
  });

  // Last: it adds periods the tests above do not expect.
  it("pages the index, newest first, with links to newer and older digests", async () => {
    const subscriber = (await app.store.digests.subscriberByEmail(PLANTED.email))!;
    for (let day = 1; day <= 20; day++) {
      const period = `2000-01-${String(day).padStart(2, "0")}`;
      const at = `${period}T07:00:00.000Z`;
      const id = await app.store.digests.ensureEdition({ key: `old-${day}`, frequency: "daily", period, trigger: "schedule", now: at });
      // Written as sent at once: a pending row would be the app's running worker's to claim (and skip,
      // as these periods have no stories), which would leave its period out of the archive.
      await app.store.db.kysely
        .insertInto("deliveries")
        .values({ edition_id: id, subscriber_id: subscriber.id, state: "sent", next_attempt_at: at, created_at: at, updated_at: at })
        .execute();
    }
    const first = await (await fetch(`${app.url}/digests/daily`)).text();
    const listed = (html: string) => [...html.matchAll(/<li><a href="\/digests\/daily\/([^"]+)">/g)].map((m) => m[1]);
    expect(listed(first)).toEqual([edition.period, ...Array.from({ length: 19 }, (_, i) => `2000-01-${String(20 - i).padStart(2, "0")}`)]);
    // Handlebars writes "=" in an attribute as "&#x3D;".
    expect(first).toMatch(/<a href="\/digests\/daily\?page(=|&#x3D;)2" rel="next">Older digests<\/a>/);
    expect(first).not.toContain('rel="prev"');
    const second = await (await fetch(`${app.url}/digests/daily?page=2`)).text();
    expect(listed(second)).toEqual(["2000-01-01"]);
    expect(second).toContain('<a href="/digests/daily" rel="prev">Newer digests</a>');
    expect(second).not.toContain('rel="next"');
  });
});
