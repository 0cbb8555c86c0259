// A pull through the admin API, against a real HTTP server serving fixture feeds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import * as builders from "#test/support/builders.js";
import { CATEGORIES } from "#test/support/builders.js";
import { hash } from "#src/feeds-in/hash.js";
import { fixture, rss, serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";

describe.each(BACKENDS)("partner pulls on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off" }); // these tests decide when to pull
  let server: FeedServer;

  const createPartner = async (slug: string, path: string, extra: Record<string, unknown> = {}) => {
    const response = await app.admin("/api/partners", {
      method: "POST",
      json: { slug, name: `Partner ${slug}`, url: `${server.url}${path}`, category: "world", allowPrivateNetwork: true, ...extra },
    });
    expect(response.status).toBe(201);
  };
  const pull = async (slug: string) => {
    const response = await app.admin(`/api/partners/${slug}/pull`, { method: "POST" });
    expect(response.status).toBe(200);
    return response.json();
  };
  const article = async (slug: string) => (await app.admin(`/api/articles/${slug}`)).json();
  const articlesOf = async (partner: string) => {
    // The dedupe table is the partner's; read the articles back through the admin API by slug.
    const rows = await app.store.db.kysely.selectFrom("partner_items").select("article_slug").where("partner_slug", "=", partner).orderBy("id").execute();
    return Promise.all(rows.map((r) => article(r.article_slug)));
  };

  beforeAll(async () => {
    server = await startFeedServer();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });
  afterAll(async () => {
    await server.close();
  });

  it("turns every entry into an attributed, sanitized article and reports what happened", async () => {
    server.route("/rss2.xml", serve(fixture("rss2.xml"), { etag: '"v1"' }));
    await createPartner("wire", "/rss2.xml", { name: "Partner Wire", fullContent: true, categoryMap: { Diplomacy: "us-military" } });
    const body = await pull("wire");
    expect(body.pull).toMatchObject({ status: "ok", new: 3, updated: 0, unchanged: 0, skipped: [], errors: [] });
    expect(body.health).toMatchObject({ lastStatus: "ok", lastError: null, errorCount: 0, items: 3, healthy: true });
    const [first, second, third] = await articlesOf("wire");
    expect(first).toMatchObject({
      title: "Talks & <b>hopes</b> — in Geneva".replace(/<\/?b>/g, ""),
      source: "wire",
      author: "Ann Writer",
      category: "us-military",
      canonicalUrl: `${server.url}/2026/11/geneva-talks?id=7`,
      publishedAt: "2026-11-24T09:00:00.000Z",
      image: { url: "https://cdn.partner.example/geneva.jpg", credit: "Partner Wire", type: "image/jpeg", length: 12345 },
    });
    expect(first.slug).toMatch(/^wire-talks-and-hopes-in-geneva-[a-z0-9]{6}$/);
    expect(first.body).toContain(`<a href="${server.url}/more?page=2" rel="noopener nofollow">more</a>`);
    expect(first.body).not.toMatch(/script|track\.example|utm_/);
    expect(second).toMatchObject({ category: "world", image: { url: "https://cdn.partner.example/second-thumb.jpg", credit: "Partner Wire" } });
    expect(third).toMatchObject({ publishedAt: "2026-11-23T13:00:00.000Z", image: { url: "https://cdn.partner.example/third.jpg" } });
    // The partner's own categories become tags, spelled as the partner does: feeds by tag (by slug) and related stories use them.
    expect([first.tags, second.tags, third.tags]).toEqual([["Diplomacy"], ["Sport"], []]);
    expect((await fetch(`${app.url}/feeds/tags/sport.json`).then((r) => r.json())).items.map((i: { title: string }) => i.title)).toEqual(["Second story"]);
  });

  it("sends the validators on the next pull, gets a 304 and changes nothing", async () => {
    const before = await articlesOf("wire");
    const body = await pull("wire");
    expect(body.pull).toMatchObject({ status: "not_modified", new: 0, updated: 0, unchanged: 0 });
    expect(body.health).toMatchObject({ lastStatus: "not_modified", items: 3 });
    expect(server.requests.filter((r) => r.path === "/rss2.xml").at(-1)!.headers["if-none-match"]).toBe('"v1"');
    expect(await articlesOf("wire")).toEqual(before);
  });

  it("updates a changed entry, never duplicates, and keeps entries the partner dropped", async () => {
    let feed = rss([
      { guid: "a", title: "Alpha" },
      { guid: "b", title: "Beta" },
    ]);
    server.route("/changing.xml", (req, res) => serve(feed)(req, res));
    await createPartner("changing", "/changing.xml");
    expect((await pull("changing")).pull).toMatchObject({ new: 2, updated: 0, unchanged: 0 });
    expect((await pull("changing")).pull).toMatchObject({ new: 0, updated: 0, unchanged: 2 });
    feed = rss([{ guid: "a", title: "Alpha", description: "Corrected text." }]);
    const body = await pull("changing");
    expect(body.pull).toMatchObject({ new: 0, updated: 1, unchanged: 0 });
    expect(body.health.items).toBe(1);
    const stored = await articlesOf("changing");
    expect(stored.map((a) => [a.title, a.summary])).toEqual([
      ["Alpha", "Corrected text."],
      ["Beta", "Text of Beta."],
    ]);
  });

  it("recognises an entry whose guid changed by its canonical link", async () => {
    let feed = rss([{ guid: "old-id", title: "Same story", link: "https://partner.example/same" }]);
    server.route("/reissued.xml", (req, res) => serve(feed)(req, res));
    await createPartner("reissued", "/reissued.xml");
    await pull("reissued");
    feed = rss([{ guid: "new-id", title: "Same story", link: "https://partner.example/same" }]);
    expect((await pull("reissued")).pull).toMatchObject({ new: 0 });
    expect(await articlesOf("reissued")).toHaveLength(1);
  });

  it("records skipped entries with their reasons and falls back for missing titles", async () => {
    server.route("/missing.xml", serve(fixture("missing-fields.xml")));
    await createPartner("missing", "/missing.xml");
    const body = await pull("missing");
    expect(body.pull).toMatchObject({ status: "ok", new: 3 });
    expect(body.pull.skipped).toEqual([{ item: "entry #4", reason: "no title, text or link" }]);
    const titles = (await articlesOf("missing")).map((a) => a.title);
    expect(titles).toEqual([
      "An entry with no title whose text gives the title words instead…",
      "https://missing.example/only-a-link",
      "A title but no link or guid",
    ]);
    const read = await (await app.admin("/api/partners/missing")).json();
    expect(read.skipped).toEqual([{ item: "entry #4", reason: "no title, text or link" }]);
  });

  it("stores an inline XHTML title as plain text, exactly: markup in its text stays text", async () => {
    server.route("/xhtml.xml", serve(fixture("corpus/atom10-xhtml-title.xml"), { type: "application/atom+xml" }));
    await createPartner("xhtml", "/xhtml.xml");
    expect((await pull("xhtml")).pull).toMatchObject({ status: "ok", new: 3, skipped: [] });
    const stored = await articlesOf("xhtml");
    expect(stored.map((a) => a.title)).toEqual([
      "History of the <blink> tag",
      "The <marquee> element & its many imitators",
      "An entry with an empty XHTML title and a body of its…",
    ]);
    expect(stored[0]).toMatchObject({ summary: "It blinked from 1994 to 2013.", image: null });
    const feed = await (await fetch(`${app.url}/feeds/world.json`)).json();
    expect(feed.items.map((i: { title: string }) => i.title)).toContain("History of the <blink> tag");
  });

  it("resolves an entry's relative links against its own xml:base, in its link and its body", async () => {
    const feed = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/"><title>B</title>
      <entry xml:base="https://base.example/archive/2019/"><title>Archived</title><id>urn:b:1</id><link href="old-post"/>
      <content type="html">&lt;p&gt;&lt;a href="../2020/next"&gt;Next&lt;/a&gt;&lt;/p&gt;</content></entry></feed>`;
    server.route("/entry-base.xml", serve(feed, { type: "application/atom+xml" }));
    await createPartner("entry-base", "/entry-base.xml", { fullContent: true });
    await pull("entry-base");
    const [stored] = await articlesOf("entry-base");
    expect(stored.canonicalUrl).toBe("https://base.example/archive/2019/old-post");
    expect(stored.body).toContain(`<a href="https://base.example/archive/2020/next" rel="noopener nofollow">Next</a>`);
  });

  it("pulls a JSON Feed partner", async () => {
    server.route("/feed.json", serve(fixture("corpus/jsonfeed11-basic.json"), { type: "application/feed+json" }));
    await createPartner("json-partner", "/feed.json");
    const body = await pull("json-partner");
    expect(body.pull).toMatchObject({ status: "ok", new: 2, skipped: [], errors: [] });
    const [first] = await articlesOf("json-partner");
    expect(first).toMatchObject({
      title: "Budget gap narrows to £4m",
      author: "Rhiannon Price, Dev Patel",
      canonicalUrl: "https://cityhall-watch.example/2026/11/24/budget",
    });
    expect(server.requests.filter((r) => r.path === "/feed.json")[0]!.headers.accept).toMatch(/application\/feed\+json/);
  });

  it("stores entries that share a guid or a link as articles of their own, and an entry repeated verbatim once", async () => {
    server.route("/shared-guid.xml", serve(fixture("corpus/rss20-shared-guid.xml")));
    server.route("/shared-link.xml", serve(fixture("corpus/rss20-shared-link.xml")));
    server.route("/repeated.xml", serve(fixture("corpus/rss20-duplicate-entries.xml")));
    for (const slug of ["shared-guid", "shared-link", "repeated"]) await createPartner(slug, `/${slug}.xml`);
    expect((await pull("shared-guid")).pull).toMatchObject({ new: 3, skipped: [] });
    expect((await pull("shared-link")).pull).toMatchObject({ new: 3, skipped: [] });
    expect((await pull("repeated")).pull).toMatchObject({ new: 2, skipped: [{ item: "cs-7781", reason: "the same entry appears twice in the feed" }] });
    expect((await articlesOf("shared-link")).map((a) => a.title)).toEqual([
      "Turnout in the north passes 60%",
      "First result declared in Riverside",
      "Polls have closed",
    ]);
    // Pulled again, nothing changes and nothing is duplicated.
    expect((await pull("shared-guid")).pull).toMatchObject({ new: 0, updated: 0, unchanged: 3 });
    expect((await pull("shared-link")).pull).toMatchObject({ new: 0, updated: 0, unchanged: 3 });
  });

  it("lets a newsroom slug stand: partner slugs never take it over", async () => {
    const digest = hash(["clash", "x"])
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "");
    const own = `clash-clash-${digest.slice(0, 6)}`;
    await app.admin("/api/articles", { method: "POST", json: builders.article({ slug: own, title: "Our own story" }) });
    server.route("/clash.xml", serve(rss([{ guid: "x", title: "Clash" }])));
    await createPartner("clash", "/clash.xml");
    await pull("clash");
    const [pulled] = await articlesOf("clash");
    expect(pulled).toMatchObject({ source: "clash", title: "Clash", slug: `clash-clash-${digest.slice(0, 12)}` });
    expect(await article(own)).toMatchObject({ source: "own", title: "Our own story" });
  });

  it("lists partners and shows one with its health", async () => {
    const list = await (await app.admin("/api/partners")).json();
    expect(list.map((p: { slug: string }) => p.slug)).toEqual(expect.arrayContaining(["wire", "changing", "missing"]));
    const wire = await (await app.admin("/api/partners/wire")).json();
    expect(wire).toMatchObject({
      slug: "wire",
      name: "Partner Wire",
      fullContent: true,
      enabled: true,
      allowPrivateNetwork: true,
      origin: "api",
      health: { items: 3 },
    });
  });

  it("answers bad partner input with the fields named, and unknown partners with 404", async () => {
    const bad = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "Bad Slug", name: "", url: "file:///etc/passwd", category: "nope", intervalMinutes: 0 },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).fields).toMatchObject({
      slug: expect.any(String),
      name: "required",
      url: expect.any(String),
      intervalMinutes: expect.any(String),
    });
    const upperFile = await app.admin("/api/partners", { method: "POST", json: { slug: "upper-file", name: "Upper", url: "FILE:///etc/passwd" } });
    expect(upperFile.status).toBe(400);
    expect((await upperFile.json()).fields).toEqual({ url: "must be an http(s) URL" });
    const unknownCategory = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "uc", name: "UC", url: "https://x.example/f", category: "nope" },
    });
    expect((await unknownCategory.json()).fields).toEqual({ category: 'unknown category "nope"' });
    expect((await app.admin("/api/partners/nobody")).status).toBe(404);
    expect((await app.admin("/api/partners/nobody/pull", { method: "POST" })).status).toBe(404);
    expect((await fetch(`${app.url}/api/partners`)).status).toBe(401);
  });
});
