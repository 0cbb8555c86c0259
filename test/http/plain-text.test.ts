// Plain text given to Dispatch stays exactly as sent: through the admin API, in the feeds, in the
// digest preview, and for partner items as feeds-in made them plain text.
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";
import { TRICKY_TEXTS, trickyArticle } from "#test/support/tricky.js";
import { rssProblems } from "#test/support/rss-rules.js";

const PARTNER_FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>P</title><link>https://partner.example/</link><description>P</description>
<item><title>The &amp;lt;blink&amp;gt; tag turns 30</title><link>https://partner.example/1</link><guid>p-1</guid><description>About &amp;lt;blink&amp;gt;.</description></item>
<item><title>AT&amp;amp;T &lt;b&gt;results&lt;/b&gt;</title><link>https://partner.example/2</link><guid>p-2</guid><description>Numbers.</description></item>
</channel></rss>`;

describe.each(BACKENDS)("plain text on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off" });
  let server: FeedServer;

  const post = async (json: unknown) => {
    const response = await app.admin("/api/articles", { method: "POST", json });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json();
  };
  const read = async (slug: string) => (await app.admin(`/api/articles/${slug}`)).json();

  beforeAll(async () => {
    server = await startFeedServer();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(Object.entries(TRICKY_TEXTS))("gives back a %s title, summary, author, tag, alt and credit exactly as posted", async (label, text) => {
    const slug = `exact-${label.toLowerCase()}`;
    const input = trickyArticle(slug, {
      title: text,
      summary: text,
      author: text,
      tags: [text],
      image: { url: "https://img.example.com/a.jpg", alt: text, credit: text },
    });
    expect(await post(input)).toMatchObject({ title: text, summary: text });
    const stored = await read(slug);
    expect(stored).toMatchObject({ title: text, summary: text, author: text, tags: [text], image: { alt: text, credit: text } });
  });

  it("keeps the text of every field, the order of tags and surrounding spaces, and sanitizes only the body", async () => {
    const input = trickyArticle("all-fields", { title: "  Spaced <i>title</i>  " });
    await post(input);
    const stored = await read("all-fields");
    expect(stored).toMatchObject({
      title: input.title,
      summary: input.summary,
      author: input.author,
      tags: input.tags,
      image: { alt: input.image.alt, credit: input.image.credit },
    });
    expect(stored.body).toBe("<p>Body stays HTML.</p>");
    // A patch that changes one field re-saves the others unchanged.
    const patched = await (await app.admin("/api/articles/all-fields", { method: "PATCH", json: { summary: TRICKY_TEXTS.entityLookalike } })).json();
    expect(patched).toMatchObject({ title: input.title, summary: TRICKY_TEXTS.entityLookalike, author: input.author, tags: input.tags });
  });

  it("keeps each article's own spelling of an author and a tag that others share", async () => {
    await post(trickyArticle("spelling-1", { author: "AT&T Press", tags: ["AT&T"] }));
    await post(trickyArticle("spelling-2", { author: "AT&amp;T Press", tags: ["AT&amp;T"] }));
    expect(await read("spelling-1")).toMatchObject({ author: "AT&T Press", tags: ["AT&T"] });
    expect(await read("spelling-2")).toMatchObject({ author: "AT&amp;T Press", tags: ["AT&amp;T"] });
  });

  it("serves the same text in the RSS, Atom and JSON feeds", async () => {
    await post(trickyArticle("in-feeds", { title: TRICKY_TEXTS.everything, category: "world" }));
    const parser = new Parser();
    for (const format of ["rss", "atom"]) {
      const xml = await (await fetch(`${app.url}/feeds/world.${format}`)).text();
      const feed = await parser.parseString(xml);
      expect(feed.items.map((i) => i.title)).toContain(TRICKY_TEXTS.everything);
      if (format === "rss") expect(await rssProblems(xml)).toEqual([]);
    }
    const json = await (await fetch(`${app.url}/feeds/world.json`)).json();
    expect(json.items.find((i: { title: string }) => i.title === TRICKY_TEXTS.everything)).toMatchObject({
      summary: TRICKY_TEXTS.everything,
      authors: [{ name: TRICKY_TEXTS.entityLookalike }],
    });
  });

  it("shows the text escaped in the digest preview, as text and never as markup", async () => {
    await post(trickyArticle("in-digest", { category: "us-military", title: TRICKY_TEXTS.markupWord, summary: TRICKY_TEXTS.everything }));
    const response = await app.admin("/digest/preview?categories=us-military&frequency=daily");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("The &lt;blink&gt; tag turns 30");
    expect(html).toContain("Tom &amp; Jerry&#x27;s &quot;quote&quot; &lt;b&gt;");
    expect(html).toContain("By AT&amp;amp;T");
    expect(html).not.toMatch(/<blink|<b>/);
    expect(decodeURIComponent(response.headers.get("x-digest-subject")!)).toBe("Daily digest: The <blink> tag turns 30");
  });

  it("keeps a partner's titles as the pull made them plain text", async () => {
    server.route("/plain.xml", serve(PARTNER_FEED));
    const created = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "plainwire", name: "Plain & Simple <Wire>", url: `${server.url}/plain.xml`, category: "world", allowPrivateNetwork: true },
    });
    expect(created.status).toBe(201);
    expect((await app.admin("/api/partners/plainwire/pull", { method: "POST" })).status).toBe(200);
    const rows = await app.store.db.kysely.selectFrom("partner_items").select("article_slug").where("partner_slug", "=", "plainwire").orderBy("id").execute();
    const [first, second] = await Promise.all(rows.map((r) => read(r.article_slug)));
    // The first title is escaped markup in the feed: its text is the words "<blink>".
    expect(first).toMatchObject({ title: "The <blink> tag turns 30", summary: "About <blink>.", image: null });
    // The second is HTML: its tags go, its entity is decoded.
    expect(second).toMatchObject({ title: "AT&T results" });
  });
});
