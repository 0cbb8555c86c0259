// Digests rendered ahead in a render thread go out exactly as those rendered on the main thread, and
// a digest that cannot be rendered goes back to pending for a retry, never lost.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { digestSettings } from "#test/support/digest.js";
import { eventually } from "#test/support/eventually.js";
import { seededRandom } from "#test/support/random.js";
import { createArticleService } from "#src/articles/service.js";
import { createEmailTemplates } from "#src/mail/render.js";
import { simpleParser } from "mailparser";
import { MailSendError, type PreparedMail } from "#src/mail/transport.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { createTokens } from "#src/subscribers/tokens.js";
import { digestLinks } from "#src/digest/links.js";
import { createDigestService } from "#src/digest/run.js";
import type { DigestRenderer } from "#src/digest/deps.js";
import { createRenderPool, type RenderPool } from "#src/digest/render-pool.js";
import type { Store } from "#src/store/index.js";

const BASE = "https://news.example.com";
const templates = createEmailTemplates(TEMPLATES_DIR);
const tokens = createTokens("render-test-secret-0123456789");

describe.each(BACKENDS)("digests rendered in a thread on %s", (backend) => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  let pool: RenderPool;
  let clock = new Date("2026-11-25T08:00:00.000Z");

  /** A fresh database with the same articles and subscribers every time: same ids, same digests. */
  async function newsroom(): Promise<Store> {
    const database = await createTestDatabase(backend);
    databases.push(database);
    const store = await openTestStore(database);
    stores.push(store);
    for (const c of CATEGORIES) await store.categories.upsert(c, "2026-11-01T00:00:00.000Z");
    const articles = createArticleService({ articles: store.articles, categories: store.categories, now: () => clock });
    for (let i = 0; i < 12; i++) {
      await articles.save(
        article({
          slug: `story-${i}`,
          title: `Story ${i}: the budget — “vote” & more`,
          summary: `What story ${i} says.`,
          canonicalUrl: `${BASE}/story-${i}`,
          category: CATEGORIES[i % 3]!.slug,
          tags: [i % 2 ? "budget" : "congress", "news"],
          publishedAt: new Date(clock.getTime() - (i + 1) * 3_600_000).toISOString(),
        }),
      );
    }
    await insertSubscribers(store.db.kysely, [
      { email: "ann@example.com", categories: ["us-news", "world"] },
      { email: "ben@example.com", categories: ["us-military"], timezone: "Asia/Tokyo" },
      { email: "cat@example.com", categories: ["us-news", "us-military", "world"], timezone: "America/Chicago" },
      { email: "dan@example.com", categories: ["world"], frequency: "weekly" },
    ]);
    return store;
  }

  /** What a reader gets from a message: parsed from its bytes (boundaries and Date left out). */
  interface Received {
    to: string;
    messageId: string;
    subject: string;
    html: string;
    text: string;
    headers: Record<string, unknown>;
  }
  const received = async (mail: PreparedMail): Promise<Received> => {
    const m = await simpleParser(Buffer.from(mail.raw));
    const headers = Object.fromEntries(
      ["list-unsubscribe", "list-unsubscribe-post", "list-id", "x-dispatch-edition", "from", "to"].map((h) => [
        h,
        m.headerLines.find((l) => l.key === h)?.line.replace(/^[^:]+:\s*/, ""),
      ]),
    );
    return { to: mail.to, messageId: m.messageId ?? "", subject: m.subject ?? "", html: String(m.html), text: m.text ?? "", headers };
  };

  /** `hold`: what each send waits for before it reads the message's bytes (a slow server). */
  function digestFor(
    store: Store,
    sent: Received[],
    renderer?: DigestRenderer,
    digests: Store["digests"] = store.digests,
    recordGroup?: number,
    hold: (mail: PreparedMail) => Promise<unknown> = async () => {},
  ) {
    return createDigestService({
      store: digests,
      categoryNames: async () => new Map((await store.categories.list()).map((c) => [c.slug, c.name])),
      mailer: {
        identity: { from: "Dispatch News <digest@news.example.com>" },
        sendPrepared: async (m) => (await hold(m), sent.push(await received(m)), { messageId: m.messageId, response: "250 ok" }),
      },
      template: () => templates.get("digest"),
      links: digestLinks(BASE, tokens),
      ...(renderer ? { renderer } : {}),
      settings: digestSettings({
        baseUrl: BASE,
        mailHost: "news.example.com",
        publisherName: "Dispatch News",
        publisherAddress: "1 Press Street",
        topStories: 3,
        relatedStories: 2,
        batchSize: 3,
        ...(recordGroup ? { recordGroup } : {}),
      }),
      logger: pino({ level: "silent" }),
      now: () => clock,
    });
  }

  beforeAll(() => {
    pool = createRenderPool({ threads: 1 });
  });
  afterAll(async () => {
    await pool.close();
    for (const store of stores) await store.close();
    for (const database of databases) await database.drop();
  });

  it("sends the same messages, headers and Message-IDs as rendering on the main thread", async () => {
    const byTo = (a: Received, b: Received) => a.to.localeCompare(b.to);
    const here: Received[] = [];
    const main = digestFor(await newsroom(), here);
    expect(await main.drain({ editionId: await main.startEdition("daily") })).toMatchObject({ sent: 3, failed: 0 });
    const there: Received[] = [];
    const threaded = digestFor(await newsroom(), there, pool);
    expect(await threaded.drain({ editionId: await threaded.startEdition("daily") })).toMatchObject({ sent: 3, failed: 0 });
    expect(there.sort(byTo)).toEqual(here.sort(byTo));
    expect(there.map((m) => m.messageId)).toEqual([1, 2, 3].map((id) => `<edition-1.subscriber-${id}@news.example.com>`));
    expect(there[0]!.html).toContain("Story 0: the budget — “vote” &amp; more");
    expect(there[0]!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(there[0]!.headers["x-dispatch-edition"]).toBe("1");
    expect(pool.threads).toBe(1);
  });

  it("writes a render thread's memory again only once the messages in it went out: every reader gets their own digest", async () => {
    // Slabs of 64 KB hold a few digests each: an edition of 43 cycles through them while sends, each
    // held a moment, still read theirs.
    const small = createRenderPool({ threads: 1, workerData: { slabBytes: 64 * 1024 } });
    try {
      const readers = Array.from({ length: 40 }, (_, i) => ({ email: `slab${i}@example.com`, categories: ["world", "us-news"] }));
      const here: Received[] = [];
      const mainStore = await newsroom();
      await insertSubscribers(mainStore.db.kysely, readers);
      const main = digestFor(mainStore, here);
      expect(await main.drain({ editionId: await main.startEdition("daily") })).toMatchObject({ sent: 43, failed: 0 });
      const there: Received[] = [];
      const store = await newsroom();
      await insertSubscribers(store.db.kysely, readers);
      const random = seededRandom(7);
      // Where each message was written (a slab's number is in its header, src/mail/slabs.ts): the same
      // place twice is a slab written again.
      const places = new Set<string>();
      let rewritten = 0;
      const hold = (m: PreparedMail) => {
        const place = `${new Int32Array(m.raw.buffer, 4, 1)[0]}:${m.raw.byteOffset}`;
        if (places.has(place)) rewritten++;
        places.add(place);
        return new Promise((resolve) => setTimeout(resolve, random() * 5));
      };
      const threaded = digestFor(store, there, small, store.digests, undefined, hold);
      expect(await threaded.drain({ editionId: await threaded.startEdition("daily") })).toMatchObject({ sent: 43, failed: 0 });
      const byTo = (a: Received, b: Received) => a.to.localeCompare(b.to);
      expect(there.sort(byTo)).toEqual(here.sort(byTo));
      expect(rewritten).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it.each([
    ["on the main thread", false],
    ["in a render thread", true],
  ])("fails at once, not as a bounce, a digest composeMail refuses (%s), and sends the rest", async (_where, threaded) => {
    const store = await newsroom();
    // An address no form lets in, written straight into the database.
    const ids = await insertSubscribers(store.db.kysely, [{ email: "eve@example.com\r\nBcc: all@example.com", categories: ["world"] }]);
    const sent: Received[] = [];
    const digest = digestFor(store, sent, threaded ? pool : undefined);
    const edition = await digest.startEdition("daily");
    expect(await digest.drain({ editionId: edition })).toMatchObject({ sent: 3, failed: 1, retried: 0 });
    const refused = await store.db.kysely
      .selectFrom("deliveries")
      .select(["state", "attempts", "last_error"])
      .where("edition_id", "=", edition)
      .where("subscriber_id", "=", [...ids.values()][0]!)
      .executeTakeFirstOrThrow();
    expect(refused).toMatchObject({ state: "failed", attempts: 1 });
    expect(refused.last_error).toContain("the recipient address is empty or holds a control character");
    const eve = await store.db.kysely
      .selectFrom("subscribers")
      .select(["status", "bounce_count"])
      .where("id", "=", [...ids.values()][0]!)
      .executeTakeFirstOrThrow();
    expect(eve).toEqual({ status: "active", bounce_count: 0 });
    expect(sent.map((m) => m.to).sort()).toEqual(["ann@example.com", "ben@example.com", "cat@example.com"]);
  });

  it("stops the pass when a failure cannot be recorded: the other lanes take no more digests", async () => {
    const store = await newsroom();
    await insertSubscribers(
      store.db.kysely,
      Array.from({ length: 30 }, (_, i) => ({ email: `stop${i}@example.com`, categories: ["world"] })),
    );
    let attempts = 0;
    let writes = 0;
    // The first failure cannot be written; later ones could.
    const flaky = {
      ...store.digests,
      retryLater: async (...args: Parameters<Store["digests"]["retryLater"]>) => {
        if (++writes === 1) throw new Error("database is read-only");
        return store.digests.retryLater(...args);
      },
    };
    const refuse = async () => {
      attempts++;
      throw new MailSendError("mail: 451 try again later", { permanent: false, responseCode: 451 });
    };
    const digest = digestFor(store, [], pool, flaky, undefined, refuse);
    await expect(digest.drain({ editionId: await digest.startEdition("daily") })).rejects.toThrow("database is read-only");
    // Two lanes: the other one may have had a send under way, and stops after it.
    expect(attempts).toBeLessThanOrEqual(3);
  });

  it("puts a delivery whose digest could not be rendered back to pending, then sends it", async () => {
    const store = await newsroom();
    const sent: Received[] = [];
    const broken = digestFor(store, sent, { prepare: async () => Promise.reject(new Error("render thread gone")) });
    const edition = await broken.startEdition("daily");
    expect(await broken.drain({ editionId: edition })).toMatchObject({ sent: 0, retried: 3 });
    const rows = await store.db.kysely
      .selectFrom("deliveries")
      .select(["state", "attempts", "last_error", "article_ids"])
      .where("edition_id", "=", edition)
      .execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ state: "pending", attempts: 1, last_error: "render thread gone" });
    expect(rows.every((r) => r.article_ids)).toBe(true);
    clock = new Date(clock.getTime() + 60_000);
    const fixed = digestFor(store, sent, pool);
    expect(await fixed.drain({ editionId: edition })).toMatchObject({ sent: 3, failed: 0 });
    expect(sent.map((m) => m.to).sort()).toEqual(["ann@example.com", "ben@example.com", "cat@example.com"]);
  });

  it("returns from a pass only when every sent message is recorded, however slow the writes", async () => {
    const store = await newsroom();
    const sent: Received[] = [];
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let claims = 0;
    // The write of the one weekly digest starts on its timer while the lanes look for more (a slow
    // claim), and is still going when they find nothing and end.
    const slow = {
      ...store.digests,
      claim: async (o: Parameters<Store["digests"]["claim"]>[0]) => (claims++ && (await pause(100)), store.digests.claim(o)),
      markSent: async (ids: number[], at: string) => (await pause(300), store.digests.markSent(ids, at)),
    };
    const digest = digestFor(store, sent, pool, slow);
    const edition = await digest.startEdition("weekly");
    expect(await digest.drain({ editionId: edition })).toMatchObject({ sent: 1 });
    const states = await store.db.kysely.selectFrom("deliveries").select("state").where("edition_id", "=", edition).execute();
    expect(states.map((r) => r.state)).toEqual(["sent"]);
  });

  it("goes on sending while a group of sent messages is being recorded, and records each once", async () => {
    const store = await newsroom();
    await insertSubscribers(
      store.db.kysely,
      Array.from({ length: 30 }, (_, i) => ({ email: `group${i}@example.com`, categories: ["world"] })),
    );
    const sent: Received[] = [];
    const groups: number[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Every write waits at the gate: the lanes must not stop after a lane's worth of unrecorded sends.
    const gated = { ...store.digests, markSent: async (ids: number[], at: string) => (groups.push(ids), await gate, store.digests.markSent(ids, at)) };
    const digest = digestFor(store, sent, undefined, gated);
    const edition = await digest.startEdition("daily");
    const drained = digest.drain({ editionId: edition });
    await eventually(() => expect(sent).toHaveLength(33), 20_000);
    open();
    expect(await drained).toMatchObject({ sent: 33, failed: 0 });
    expect(groups.flat()).toHaveLength(33);
    expect(new Set(groups.flat()).size).toBe(33);
    const states = await store.db.kysely.selectFrom("deliveries").select("state").where("edition_id", "=", edition).execute();
    expect(states.filter((r) => r.state === "sent")).toHaveLength(33);
  });

  it("stops a pass whose sends cannot be recorded, and sends the rest after the lease, same Message-IDs", async () => {
    const store = await newsroom();
    await insertSubscribers(
      store.db.kysely,
      Array.from({ length: 10 }, (_, i) => ({ email: `more${i}@example.com`, categories: ["world"] })),
    );
    const sent: Received[] = [];
    const failing = { ...store.digests, markSent: async () => Promise.reject(new Error("database is read-only")) };
    const broken = digestFor(store, sent, pool, failing, 2);
    const edition = await broken.startEdition("daily");
    await expect(broken.drain({ editionId: edition })).rejects.toThrow("database is read-only");
    // Two lanes, groups of 2: the pass stops once the first write fails; at most 2 + 2 − 1 went out unrecorded.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(3);
    const first = sent.map((m) => m.messageId);
    clock = new Date(clock.getTime() + 120_000);
    const fixed = digestFor(store, sent, pool);
    expect(await fixed.drain({ editionId: edition })).toMatchObject({ sent: 13, failed: 0 });
    expect(new Set(sent.map((m) => m.to)).size).toBe(13);
    for (const id of first) expect(sent.filter((m) => m.messageId === id)).toHaveLength(2);
  });
});
