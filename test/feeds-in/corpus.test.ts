// The partner feed corpus (test/fixtures/partners/corpus): every entry a mainstream reader shows is
// ingested, with the same count and the same titles as plain text. feedparser is the reader for XML
// feeds; JSON Feeds are compared with the JSON itself. Each feed goes through parse → normalize, then
// through a real pull over HTTP into a real SQLite store.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFeed } from "#src/feeds-in/charset.js";
import { createParsePool, type ParsePool } from "#src/feeds-in/parse.js";
import { feedBase, normalizeFeed } from "#src/feeds-in/normalize.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import { firstWords } from "#src/articles/sanitize.js";
import { withoutTracking } from "#src/feeds-in/text.js";
import type { Store } from "#src/store/index.js";
import { createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { CATEGORIES } from "#test/support/builders.js";
import { testPartnerService } from "#test/feeds-in/support/partners.js";
import { FIXTURES, serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";
import { readJsonFeed, readWithFeedparser, type ReaderEntry, type ReaderView } from "#test/feeds-in/support/reader-oracle.js";

const CORPUS = path.join(FIXTURES, "corpus");
const FILES = readdirSync(CORPUS)
  .filter((f) => /\.(xml|json)$/.test(f))
  .sort();

/** How each feed is served; the rest: application/xml (the prolog names the charset) or application/feed+json. */
const CONTENT_TYPES: Record<string, string> = {
  "rss20-charset-in-header.xml": "text/xml; charset=ISO-8859-1",
  "jsonfeed10-application-json.json": "application/json",
  "jsonfeed11-served-as-text.json": "text/plain; charset=utf-8",
  "jsonfeed11-octet-stream.json": "application/octet-stream",
};
const contentTypeOf = (file: string) => CONTENT_TYPES[file] ?? (file.endsWith(".json") ? "application/feed+json" : "application/xml");
const feedUrl = (file: string) => `https://partner.example/feeds/${file}`;

/** Where feedparser itself misreads a feed, what a person reads there instead. Its loose parser ends
 * a bare "&T" with a semicolon ("AT&T;"); browsers and other readers show "AT&T". */
const READER_QUIRKS: Record<string, Record<string, string>> = {
  "rss20-bare-ampersand.xml": { "AT&T; and the fibre roll-out": "AT&T and the fibre roll-out" },
};

/** Feeds cut off mid-entry (a transfer that stopped): feedparser shows the half entry, whose last field
 * may end mid-value; Dispatch leaves it for the next, complete pull and says so in the pull's errors. */
const CUT_OFF: Record<string, number> = { "rss20-truncated.xml": 1 };

interface Expected {
  shown: ReaderEntry[];
  /** Entries the reader lists with no title, text or link: Dispatch records them as skipped. */
  empty: number;
}

/** The entries a reader shows: those with a title, text or web link, an entry repeated verbatim once. */
function expectedFrom(view: ReaderView, file: string): Expected {
  const seen = new Set<string>();
  const quirks = READER_QUIRKS[file] ?? {};
  const entries = view.entries.map((e) => ({ ...e, title: quirks[e.title] ?? e.title }));
  const readable = entries.filter((e) => e.title || e.text || isWebLink(e.link));
  const shown = readable.filter((e) => {
    const key = JSON.stringify([e.id, e.link, e.title]);
    return !seen.has(key) && !!seen.add(key);
  });
  return { shown: shown.slice(0, shown.length - (CUT_OFF[file] ?? 0)), empty: entries.length - readable.length };
}

function isWebLink(link: string): boolean {
  return !!link && !/^[a-z][\w+.-]*:/i.test(link.replace(/^https?:/i, ""));
}

/** The title Dispatch gives an entry: its own, else the first words of its text, else its link. */
function titleOf(entry: ReaderEntry, feedUrl: string): string {
  return (entry.title || firstWords(entry.text, 12) || new URL(entry.link, feedUrl).href).slice(0, 300);
}

/** The entry's web link made absolute (a reader resolves it against the feed's address), without
 * tracking parameters, which Dispatch drops. */
function linkOf(entry: ReaderEntry, feedUrl: string): string | null {
  if (!isWebLink(entry.link)) return null;
  return withoutTracking(new URL(entry.link, feedUrl).href);
}

const views = new Map<string, ReaderView>();
beforeAll(async () => {
  const xml = FILES.filter((f) => f.endsWith(".xml"));
  const read = await readWithFeedparser(xml.map((f) => ({ path: path.join(CORPUS, f), contentType: contentTypeOf(f) })));
  xml.forEach((f, i) => views.set(f, read[i]!));
  for (const f of FILES.filter((f) => f.endsWith(".json"))) views.set(f, readJsonFeed(path.join(CORPUS, f)));
});

describe("the partner feed corpus", () => {
  let pool: ParsePool;
  beforeAll(() => void (pool = createParsePool({ workers: 2, timeoutMs: 10_000, maxMemoryMb: 128 })));
  afterAll(() => pool.close());

  it("has at least 60 small feeds, each with entries a reader shows", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(60);
    for (const file of FILES) expect(expectedFrom(views.get(file)!, file).shown.length, file).toBeGreaterThan(0);
  });

  it.each(FILES)("%s: parse → normalize keeps every entry a reader shows, titled alike", async (file) => {
    const bytes = readFileSync(path.join(CORPUS, file));
    const text = decodeFeed(bytes, contentTypeOf(file));
    const parsed = await pool.parse(text, contentTypeOf(file));
    if (CUT_OFF[file]) expect(parsed.recovered).toMatch(/the feed ends inside its last entry, left for the next pull$/);
    const partner = { name: "Corpus", category: "world", categoryMap: {}, fullContent: true };
    const { items, skipped } = normalizeFeed(parsed.feed, { partner, base: feedBase(text, feedUrl(file)), fetchedAt: new Date() });
    const expected = expectedFrom(views.get(file)!, file);
    expect(items.map((i) => i.title)).toEqual(expected.shown.map((e) => titleOf(e, feedUrl(file))));
    expect(items.map((i) => i.link)).toEqual(expected.shown.map((e) => linkOf(e, feedUrl(file))));
    expect(skipped.filter((s) => s.reason === "no title, text or link")).toHaveLength(expected.empty);
  });
});

describe("the partner feed corpus, pulled over HTTP into SQLite", () => {
  let database: TestDatabase;
  let store: Store;
  let server: FeedServer;
  let partners: PartnerService;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    store = await openTestStore(database);
    const now = new Date().toISOString();
    for (const c of CATEGORIES) await store.categories.upsert(c, now);
    server = await startFeedServer();
    for (const file of FILES) server.route(`/${file}`, serve(readFileSync(path.join(CORPUS, file)), { type: contentTypeOf(file) }));
    partners = testPartnerService(store, { config: { parseWorkers: 2 } });
  });
  afterAll(async () => {
    await partners.close();
    await store.close();
    await server.close();
    await database.drop();
  });

  const storedTitles = async (slug: string) => {
    const rows = await store.db.kysely
      .selectFrom("partner_items")
      .innerJoin("articles", "articles.slug", "partner_items.article_slug")
      .select("articles.title")
      .where("partner_items.partner_slug", "=", slug)
      .orderBy("partner_items.id")
      .execute();
    return rows.map((r) => r.title);
  };

  it.each(FILES)("%s: a pull stores one article per entry a reader shows", async (file) => {
    const expected = expectedFrom(views.get(file)!, file);
    const slug = file
      .replace(/\.\w+$/, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, 60);
    await partners.save({ slug, name: slug, url: `${server.url}/${file}`, category: "world", fullContent: true, allowPrivateNetwork: true });
    const { pull } = await partners.pullNow(slug);
    expect(pull).toMatchObject({ status: "ok", new: expected.shown.length, updated: 0 });
    expect(await storedTitles(slug)).toEqual(expected.shown.map((e) => titleOf(e, `${server.url}/${file}`)));
  });
});
