// Every feed of the demo newsroom, in every format, read back by feedparser (bozo 0) or as JSON Feed 1.1.
import { afterAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { feedparserMany } from "#test/support/feedparser.js";
import { request } from "#test/support/http.js";

describe.each(BACKENDS)("demo feeds on %s", (backend) => {
  const app = useTestApp(backend, { SEED_DEMO: "auto", FEED_PAGE_SIZE: "500" });

  afterAll(async () => {});

  it("passes feedparser with bozo 0 for every category, tag and author feed", async () => {
    const all = JSON.parse((await request(`${app.url}/feeds/all.json`)).text);
    expect(all.items.length).toBeGreaterThanOrEqual(30);
    const categories: Array<{ slug: string }> = await (await fetch(`${app.url}/categories`)).json();
    const names = new Set<string>(["all", ...categories.map((c) => c.slug)]);
    for (const item of all.items) {
      for (const tag of item.tags.slice(1)) names.add(`tags/${tag}`);
      for (const author of item.authors ?? []) names.add(new URL(author.url).pathname.replace(/^\/feeds\//, "").replace(/\.atom$/, ""));
    }
    expect([...names].filter((n) => n.startsWith("authors/")).length).toBeGreaterThan(1);
    const fetched: Array<{ label: string; body: Buffer }> = [];
    for (const name of names) {
      for (const format of ["rss", "atom"]) {
        const response = await request(`${app.url}/feeds/${name}.${format}`);
        expect(response.status, `${name}.${format}`).toBe(200);
        fetched.push({ label: `${name}.${format}`, body: response.body });
      }
      const json = JSON.parse((await request(`${app.url}/feeds/${name}.json`)).text);
      expect(json.version).toBe("https://jsonfeed.org/version/1.1");
      expect(json.items.length).toBeGreaterThan(0);
    }
    const parsed = await feedparserMany(fetched.map((f) => f.body));
    parsed.forEach((feed, i) => {
      const label = fetched[i]!.label;
      expect(feed.bozo, `${label}: ${feed.bozo_exception}`).toBe(0);
      expect(feed.entries.length, label).toBeGreaterThan(0);
      for (const entry of feed.entries) {
        expect(entry, label).toMatchObject({
          id: expect.stringMatching(/^urn:uuid:/),
          title: expect.any(String),
          link: expect.stringMatching(/^http/),
          author: expect.any(String),
        });
        expect(entry.media_credit.length, label).toBe(1);
      }
    });
  });
});
