// GET /feeds.opml: every category's RSS feed in one OPML 2.0 list, read back by Python's expat
// (not the generator's parser) and imported by a real reader, newsboat.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { childrenNamed, xmlTree, type XmlNode } from "#test/support/xml-tree.js";

const run = promisify(execFile);
const PUBLISHER = `Tom's "Daily" & Co`;
const TRICKY = { slug: "tom-and-jerry", name: "Tom & Jerry <b>", description: "Cat\nand mouse & co." };
const NEWSBOAT = "/usr/bin/newsboat";
const NO_NEWSBOAT = "newsboat is not installed (apt-get install newsboat): the reader import is not checked";

interface CategoryJson {
  slug: string;
  name: string;
  feeds: { rss: string; atom: string };
}

async function outlinesOf(body: string): Promise<{ root: XmlNode; outlines: Array<Record<string, string>> }> {
  const root = await xmlTree(body);
  return { root, outlines: childrenNamed(childrenNamed(root, "body")[0]!, "outline").map((o) => o.attrs) };
}

async function hasNewsboat(): Promise<boolean> {
  return run(NEWSBOAT, ["-v"]).then(
    () => true,
    () => false,
  );
}

describe("GET /feeds.opml", () => {
  const app = useTestApp("sqlite", { PUBLISHER_NAME: PUBLISHER, FEED_MAX_AGE: "120" });
  let categories: CategoryJson[];
  let opml: Response;
  let body: string;

  beforeAll(async () => {
    for (const category of [...CATEGORIES, TRICKY]) expect((await app.admin("/api/categories", { method: "POST", json: category })).status).toBe(201);
    expect((await app.admin("/api/articles", { method: "POST", json: article({ category: TRICKY.slug }) })).status).toBe(201);
    categories = (await (await fetch(`${app.url}/categories`)).json()) as CategoryJson[];
    opml = await fetch(`${app.url}/feeds.opml`);
    body = await opml.text();
  });

  it("answers OPML with validators and the feeds' cache lifetime", () => {
    expect(opml.status).toBe(200);
    expect(opml.headers.get("content-type")).toBe("text/x-opml; charset=utf-8");
    expect(opml.headers.get("cache-control")).toBe("public, max-age=120");
    expect(opml.headers.get("etag")).toMatch(/^"[\w-]+"$/);
    expect(opml.headers.get("last-modified")).toBe(new Date(opml.headers.get("last-modified")!).toUTCString());
    expect(opml.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("lists the all-stories feed, then every category's RSS feed, names as sent", async () => {
    const { root, outlines } = await outlinesOf(body);
    expect([root.name, root.attrs.version]).toEqual(["opml", "2.0"]);
    const head = childrenNamed(root, "head")[0]!;
    expect(childrenNamed(head, "title")[0]!.text).toBe(`${PUBLISHER} feeds`);
    expect(childrenNamed(head, "ownerName")[0]!.text).toBe(PUBLISHER);
    expect(childrenNamed(head, "dateModified")[0]!.text).toBe(opml.headers.get("last-modified"));
    expect(outlines).toHaveLength(categories.length + 1);
    expect(outlines[0]).toMatchObject({ type: "rss", text: `${PUBLISHER}: all stories`, xmlUrl: `${app.url}/feeds/all.rss`, htmlUrl: `${app.url}/` });
    for (const c of categories) {
      const text = `${PUBLISHER}: ${c.name}`;
      const expected = { type: "rss", version: "RSS", text, title: text, xmlUrl: c.feeds.rss, htmlUrl: `${app.url}/#category-${c.slug}` };
      expect(outlines.find((o) => o.xmlUrl === c.feeds.rss)).toMatchObject(expected);
    }
    expect(outlines.find((o) => o.text === `${PUBLISHER}: ${TRICKY.name}`)!.description).toBe(TRICKY.description);
  });

  it("points every outline at a feed that answers and at its place on the home page", async () => {
    const { outlines } = await outlinesOf(body);
    const home = await (await fetch(`${app.url}/`)).text();
    for (const o of outlines) {
      const feed = await fetch(o.xmlUrl!);
      expect([o.xmlUrl, feed.status, feed.headers.get("content-type")]).toEqual([o.xmlUrl, 200, "application/rss+xml; charset=utf-8"]);
      const anchor = new URL(o.htmlUrl!).hash.slice(1);
      if (anchor) expect(home).toContain(`id="${anchor}"`);
    }
  });

  it("answers 304 to a matching If-None-Match or If-Modified-Since", async () => {
    const byTag = await fetch(`${app.url}/feeds.opml`, { headers: { "if-none-match": opml.headers.get("etag")! } });
    expect([byTag.status, await byTag.text()]).toEqual([304, ""]);
    const byDate = await fetch(`${app.url}/feeds.opml`, { headers: { "if-modified-since": opml.headers.get("last-modified")! } });
    expect(byDate.status).toBe(304);
  });

  it("changes when a category changes", async () => {
    expect((await app.admin("/api/categories", { method: "POST", json: { ...TRICKY, name: "Tom & Jerry, renamed" } })).status).toBe(200);
    const after = await fetch(`${app.url}/feeds.opml`, { headers: { "if-none-match": opml.headers.get("etag")! } });
    expect(after.status).toBe(200);
    expect((await outlinesOf(await after.text())).outlines.map((o) => o.text)).toContain(`${PUBLISHER}: Tom & Jerry, renamed`);
    expect((await app.admin("/api/categories", { method: "POST", json: TRICKY })).status).toBe(200);
  });

  it("is linked from the home page, visibly and for readers' autodiscovery", async () => {
    const home = await (await fetch(`${app.url}/`)).text();
    expect(home).toMatch(/<a href="\/feeds\.opml" type="text\/x-opml">All categories as OPML<\/a>/);
    expect(home).toContain(`<link rel="outline" type="text/x-opml" title="All categories (OPML)" href="${app.baseUrl}/feeds.opml">`);
  });

  describe("in newsboat", () => {
    let dir: string;
    const files = () => ["-u", path.join(dir, "urls"), "-C", path.join(dir, "config"), "-c", path.join(dir, "cache.db")];
    const newsboat = (args: string[]) =>
      run(NEWSBOAT, [...files(), ...args], { cwd: dir, env: { HOME: dir, PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" }, timeout: 60_000 });

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "dispatch-newsboat-"));
      await writeFile(path.join(dir, "config"), "");
      await writeFile(path.join(dir, "urls"), "");
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("imports every category's feed and the all-stories feed", async (context) => {
      if (!(await hasNewsboat())) return context.skip(NO_NEWSBOAT);
      await writeFile(path.join(dir, "feeds.opml"), body);
      await newsboat(["-i", path.join(dir, "feeds.opml")]);
      const urls = (await readFile(path.join(dir, "urls"), "utf8")).split("\n").filter(Boolean);
      expect(urls.sort()).toEqual([`${app.url}/feeds/all.rss`, ...categories.map((c) => c.feeds.rss)].sort());
    });

    it("takes the site's home page as every feed's website, in RSS and Atom", async (context) => {
      if (!(await hasNewsboat())) return context.skip(NO_NEWSBOAT);
      const feeds = [`${app.url}/feeds/all`, ...categories.map((c) => c.feeds.rss.replace(/\.rss$/, ""))].flatMap((f) => [`${f}.rss`, `${f}.atom`]);
      await writeFile(path.join(dir, "urls"), `${feeds.join("\n")}\n`);
      await newsboat(["-x", "reload"]);
      const query = "import json, sqlite3, sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute('select rssurl, url from rss_feed').fetchall()))";
      const { stdout } = await run("/usr/bin/python3", ["-c", query, path.join(dir, "cache.db")]);
      const websites = new Map(JSON.parse(stdout) as Array<[string, string]>);
      expect(feeds.map((f) => [f, websites.get(f)])).toEqual(feeds.map((f) => [f, `${app.url}/`]));
    });
  });
});
