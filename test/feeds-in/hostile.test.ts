// Hostile partner answers: each is a recorded, readable error on the partner (or a recovered feed),
// the articles already stored stay, and the process keeps serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { fixture, rss, serve, startFeedServer, type FeedServer, type Route } from "#test/feeds-in/support/feed-server.js";

const never: Route = () => {}; // accepts the request and never answers
const empty = serve("");
const trickle: Route = (_req, res) => {
  res.writeHead(200, { "content-type": "application/rss+xml" });
  res.write("<?xml version='1.0'?><rss version='2.0'><channel>");
  const timer = setInterval(() => res.write(" "), 100); // a byte now and then, never the end
  res.on("close", () => clearInterval(timer));
};
const status500 = serve("oops", { status: 500, type: "text/plain" });
const redirectLoop: Route = (_req, res) => void res.writeHead(302, { location: "/hostile.xml" }).end();
const gzipBomb = serve(Buffer.alloc(50 * 1024 * 1024, " "), { gzip: "gzip" }); // ~50 KB on the wire
const fiftyMegabytes: Route = (_req, res) => {
  res.writeHead(200, { "content-type": "application/rss+xml" });
  const chunk = Buffer.alloc(1024 * 1024, "a");
  let sent = 0;
  const write = () => {
    while (sent < 50 && !res.destroyed) {
      sent += 1;
      if (!res.write(chunk)) return void res.once("drain", write);
    }
    res.end();
  };
  res.write("<?xml version='1.0'?><rss version='2.0'><channel><title>");
  write();
};

describe.each(BACKENDS)("hostile partner feeds on %s", (backend) => {
  const app = useTestApp(backend, { PARTNER_TIMEOUT_MS: "3000", PARTNERS_CRON: "off" });
  let server: FeedServer;
  let current: Route;

  const pull = async (slug = "victim") => (await app.admin(`/api/partners/${slug}/pull`, { method: "POST" })).json();
  const storedTitles = async () => {
    const rows = await app.store.db.kysely.selectFrom("partner_items").select("article_slug").where("partner_slug", "=", "victim").orderBy("id").execute();
    return Promise.all(rows.map(async (r) => (await (await app.admin(`/api/articles/${r.article_slug}`)).json()).title));
  };

  beforeAll(async () => {
    server = await startFeedServer();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    server.route("/hostile.xml", (req, res) => current(req, res));
    current = serve(
      rss([
        { guid: "keep-1", title: "Kept one" },
        { guid: "keep-2", title: "Kept two" },
      ]),
    );
    const created = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "victim", name: "Victim", url: `${server.url}/hostile.xml`, category: "world", allowPrivateNetwork: true },
    });
    expect(created.status).toBe(201);
    expect((await pull()).pull.new).toBe(2);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each<[string, Route, RegExp]>([
    ["HTML served as a feed", serve(fixture("html-page.html"), { type: "text/html" }), /parse: the body is an HTML page, not a feed/],
    ["an empty body", empty, /parse: empty body/],
    ["a 500", status500, /fetch: HTTP 500/],
    ["a timeout", never, /fetch: timed out after 3 s/],
    ["a body that trickles forever", trickle, /fetch: timed out after 3 s/],
    ["a redirect loop", redirectLoop, /fetch: more than 5 redirects/],
    ["a 50 MB body", fiftyMegabytes, /fetch: body larger than 15 MiB/],
    ["a gzip bomb (50 MB after decompression)", gzipBomb, /fetch: body larger than 15 MiB/],
    ["garbage that is not XML", serve("\u0000\u0001 not xml at all {"), /parse: /],
  ])("records %s as an error and keeps what was stored", async (_label, route, message) => {
    current = route;
    const before = (await app.admin("/api/partners/victim")).json();
    const body = await pull();
    expect(body.pull.status).toBe("error");
    expect(body.pull.errors[0]).toMatch(message);
    expect(body.health).toMatchObject({ lastStatus: "error", lastError: expect.stringMatching(message), items: 2 });
    expect(body.health.errorCount).toBe((await before).health.errorCount + 1);
    expect(await storedTitles()).toEqual(["Kept one", "Kept two"]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("keeps the good entries of malformed XML and says the feed was malformed", async () => {
    current = serve(fixture("malformed.xml"));
    const body = await pull();
    expect(body.pull.status).toBe("ok");
    expect(body.pull.errors[0]).toMatch(/parse: malformed feed, kept what could be read/);
    expect(body.health).toMatchObject({ lastStatus: "ok", errorCount: 0, lastError: expect.stringMatching(/malformed/) });
    expect(await storedTitles()).toEqual(expect.arrayContaining(["Kept one", "Kept two", "Good before the break", "Second good one"]));
  });

  it("never expands DTD entities (no billion laughs, no XXE)", async () => {
    current = serve(fixture("entity-bomb.xml"));
    const body = await pull();
    const titles = await storedTitles();
    const bomb = titles.find((t: string) => t.startsWith("Bomb"));
    if (body.pull.status === "ok") expect(bomb!.length).toBeLessThan(50);
    else expect(body.pull.errors[0]).toMatch(/parse:/);
    const all = JSON.stringify(await (await app.admin("/api/partners/victim")).json()) + titles.join();
    expect(all).not.toMatch(/lollollol|root:x:0/);
  });

  it("uses the fetch time for invalid, future and ancient dates, and keeps the good one", async () => {
    current = serve(fixture("bad-dates.xml"), { type: "application/atom+xml" });
    const body = await pull();
    expect(body.pull).toMatchObject({ status: "ok", new: 4, skipped: [] });
    const pulledAt = Date.parse(body.health.lastPullAt);
    const rows = await app.store.db.kysely
      .selectFrom("partner_items")
      .select(["item_id", "article_slug"])
      .where("item_id", "like", "urn:bad:%")
      .orderBy("item_id")
      .execute();
    const dates = await Promise.all(rows.map(async (r) => (await (await app.admin(`/api/articles/${r.article_slug}`)).json()).publishedAt));
    expect(dates.slice(0, 3).map((d: string) => Date.parse(d))).toEqual([pulledAt, pulledAt, pulledAt]);
    expect(dates[3]).toBe("2026-11-20T12:00:00.000Z");
  });

  it.each([["gzip"], ["br"], ["deflate"]] as const)("reads a %s-compressed feed", async (encoding) => {
    current = serve(rss([{ guid: `z-${encoding}`, title: `Compressed ${encoding}` }]), { gzip: encoding });
    const body = await pull();
    expect(body.pull).toMatchObject({ status: "ok", new: 1 });
    expect(server.requests.at(-1)!.headers["accept-encoding"]).toMatch(/gzip.*br/);
  });

  it("sends a descriptive User-Agent", async () => {
    expect(server.requests.at(-1)!.headers["user-agent"]).toMatch(/^Dispatch\/\S+ \(partner feed fetcher; \+http/);
  });

  it("refuses loopback without allowPrivateNetwork, by IP and by name, before sending a request", async () => {
    for (const [slug, url] of [
      ["guarded-ip", `${server.url}/hostile.xml`],
      ["guarded-name", `${server.url.replace("127.0.0.1", "localhost")}/hostile.xml`],
    ]) {
      await app.admin("/api/partners", { method: "POST", json: { slug, name: slug, url, category: "world" } });
      const body = await pull(slug);
      expect(body.pull.status).toBe("error");
      expect(body.health.lastError).toMatch(/fetch: .*(not a public address|non-public address)/);
    }
    const requestsBefore = server.requests.length;
    await pull("guarded-ip");
    expect(server.requests.length).toBe(requestsBefore);
  });
});
