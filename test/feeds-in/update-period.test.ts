// sy:updatePeriod / sy:updateFrequency (the RSS Syndication module): read from the feed itself, and a
// hint like ttl through a real pull: the next pull is not sooner than the feed says, within the partner's bounds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syndicationHint, withinBounds } from "#src/feeds-in/update-period.js";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { serve, startFeedServer, type FeedServer } from "#test/feeds-in/support/feed-server.js";

const SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"';
const BOUNDS = { minIntervalMinutes: 5, maxIntervalMinutes: 1440 };
/** The hint a pull takes from the document, within the partner's bounds. */
const updatePeriodHint = (text: string, bounds: typeof BOUNDS) => withinBounds(syndicationHint(text), bounds);

/** RSS 2.0 with the channel's extra elements before (or after) its items; items dated `dates` (none: undated). */
function rss2(channel: string, options: { after?: string; dates?: string[]; ttl?: number } = {}): string {
  const dates = options.dates ?? ["", "", ""];
  const items = dates
    .map(
      (d, i) =>
        `<item><title>Story ${i}</title><guid isPermaLink="false">sy-${i}-${d}</guid>${d ? `<pubDate>${new Date(d).toUTCString()}</pubDate>` : ""}</item>`,
    )
    .join("");
  const ttl = options.ttl ? `<ttl>${options.ttl}</ttl>` : "";
  return `<?xml version="1.0"?><rss version="2.0" ${SY}><channel><title>T</title><link>https://p.example/</link>${ttl}${channel}${items}${options.after ?? ""}</channel></rss>`;
}

describe("reading sy:updatePeriod and sy:updateFrequency", () => {
  it.each([
    { why: "hourly, twice", text: rss2("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>"), expected: 30 },
    { why: "daily, frequency 1 by default", text: rss2("<sy:updatePeriod>daily</sy:updatePeriod>"), expected: 1440 },
    { why: "a frequency alone is per day", text: rss2("<sy:updateFrequency>4</sy:updateFrequency>"), expected: 360 },
    { why: "weekly, kept within the partner's maximum", text: rss2("<sy:updatePeriod>weekly</sy:updatePeriod>"), expected: 1440 },
    {
      why: "hourly 60 times, kept within the partner's minimum",
      text: rss2("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>60</sy:updateFrequency>"),
      expected: 5,
    },
    {
      why: "hourly 7 times, rounded up to a whole minute",
      text: rss2("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>7</sy:updateFrequency>"),
      expected: 9,
    },
    { why: "case and spaces in the value", text: rss2("<sy:updatePeriod>\n  Hourly </sy:updatePeriod>"), expected: 60 },
    { why: "in CDATA", text: rss2("<sy:updatePeriod><![CDATA[hourly]]></sy:updatePeriod>"), expected: 60 },
    {
      why: "a frequency that is not a positive number counts as 1",
      text: rss2("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>"),
      expected: 60,
    },
    { why: "after the items (RSS 2.0 allows it)", text: rss2("", { after: "<sy:updatePeriod>hourly</sy:updatePeriod>" }), expected: 60 },
    {
      why: "in an Atom feed, under another prefix",
      text: `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://purl.org/rss/1.0/modules/syndication/"><title>A</title><s:updatePeriod>hourly</s:updatePeriod><s:updateFrequency>3</s:updateFrequency><entry><id>x</id><title>X</title></entry></feed>`,
      expected: 20,
    },
    {
      why: "in RSS 1.0 (RDF), on the channel",
      text: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ${SY}><channel rdf:about="https://p.example/"><title>R</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel><item rdf:about="https://p.example/1"><title>1</title></item></rdf:RDF>`,
      expected: 720,
    },
  ])("reads $expected minutes: $why", ({ text, expected }) => {
    expect(updatePeriodHint(text, BOUNDS)).toBe(expected);
  });

  it.each([
    { why: "no such element", text: rss2("") },
    { why: "an unknown period", text: rss2("<sy:updatePeriod>fortnightly</sy:updatePeriod>") },
    { why: "only inside an item", text: rss2("").replace("<title>Story 0</title>", "<title>Story 0</title><sy:updatePeriod>hourly</sy:updatePeriod>") },
    { why: "a JSON Feed", text: JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "J", items: [] }) },
  ])("gives no hint for $why", ({ text }) => {
    expect(updatePeriodHint(text, BOUNDS)).toBeUndefined();
  });
});

describe.each(BACKENDS)("sy:updatePeriod through a real pull on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off" });
  let server: FeedServer;
  const MINUTE = 60_000;

  /** Creates the partner on a feed served locally, pulls it once and answers with the minutes until its next pull. */
  const waitAfterPull = async (slug: string, body: string, extra: Record<string, unknown> = {}, etag?: string): Promise<number> => {
    server.route(`/${slug}.xml`, serve(body, etag ? { etag } : {}));
    const created = await app.admin("/api/partners", {
      method: "POST",
      json: { slug, name: `Partner ${slug}`, url: `${server.url}/${slug}.xml`, category: "world", allowPrivateNetwork: true, ...extra },
    });
    expect(created.status).toBe(201);
    const pulled = await (await app.admin(`/api/partners/${slug}/pull`, { method: "POST" })).json();
    expect(pulled.pull.status).toBe("ok");
    return (Date.parse(pulled.health.nextPullAt) - Date.parse(pulled.health.lastPullAt)) / MINUTE;
  };
  const minutesAgo = (n: number) => new Date(Date.now() - n * MINUTE).toISOString();

  beforeAll(async () => {
    server = await startFeedServer();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });
  afterAll(async () => {
    await server.close();
  });

  it("waits the hourly period of an undated feed polled every 15 minutes", async () => {
    expect(await waitAfterPull("sy-hourly", rss2("<sy:updatePeriod>hourly</sy:updatePeriod>"), { intervalMinutes: 15 })).toBe(60);
  });

  it("is not sooner than the feed says, whatever its items' pace", async () => {
    const dates = [1, 4, 7, 10].map(minutesAgo); // a pace of 3 minutes
    const wait = await waitAfterPull("sy-paced", rss2("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>", { dates }), {
      minIntervalMinutes: 2,
    });
    expect(wait).toBe(30);
  });

  it("keeps the hint within the partner's maximum, and takes the longer of it and ttl", async () => {
    expect(await waitAfterPull("sy-daily", rss2("<sy:updatePeriod>daily</sy:updatePeriod>"), { intervalMinutes: 15, maxIntervalMinutes: 120 })).toBe(120);
    expect(await waitAfterPull("sy-ttl", rss2("<sy:updatePeriod>hourly</sy:updatePeriod>", { ttl: 90 }), { intervalMinutes: 15 })).toBe(90);
  });

  it("still waits what the feed asked after a pull answered 304, which has no document to read it from", async () => {
    expect(await waitAfterPull("sy-304", rss2("<sy:updatePeriod>hourly</sy:updatePeriod>", { ttl: 45 }), { intervalMinutes: 15 }, '"v1"')).toBe(60);
    const again = await (await app.admin("/api/partners/sy-304/pull", { method: "POST" })).json();
    expect(again.pull.status).toBe("not_modified");
    expect(again.health).toMatchObject({ feedTtlMinutes: 45, feedUpdatePeriodMinutes: 60 });
    expect((Date.parse(again.health.nextPullAt) - Date.parse(again.health.lastPullAt)) / MINUTE).toBe(60);
  });

  it("applies the partner's bounds of the moment to the kept hint, after a 304", async () => {
    const partner = { name: "Partner sy-bounds", category: "world", allowPrivateNetwork: true, intervalMinutes: 15 };
    expect(await waitAfterPull("sy-bounds", rss2("<sy:updatePeriod>daily</sy:updatePeriod>"), partner, '"v1"')).toBe(1440);
    const changed = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "sy-bounds", url: `${server.url}/sy-bounds.xml`, ...partner, maxIntervalMinutes: 60 },
    });
    expect(changed.status).toBe(200);
    const again = await (await app.admin("/api/partners/sy-bounds/pull", { method: "POST" })).json();
    expect(again.pull.status).toBe("not_modified");
    expect((Date.parse(again.health.nextPullAt) - Date.parse(again.health.lastPullAt)) / MINUTE).toBe(60);
  });

  it("keeps a ttl that is not a whole number of minutes, rounded up", async () => {
    expect(await waitAfterPull("ttl-fraction", rss2("", { ttl: 1.5 }), { intervalMinutes: 1, minIntervalMinutes: 1 }, '"v1"')).toBe(1.5);
    const again = await (await app.admin("/api/partners/ttl-fraction/pull", { method: "POST" })).json();
    expect(again.pull.status).toBe("not_modified");
    expect(again.health.feedTtlMinutes).toBe(2);
  });
});
