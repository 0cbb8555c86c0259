// Several processes on one PostgreSQL and one Redis: 2 web, 3 worker and 2 scheduler processes run a
// scheduled edition of 20,000 subscribers to an SMTP sink in its own process; one worker is killed
// with SIGKILL in the middle. Every subscriber gets the digest, a duplicate can only be a message in
// flight at the kill (same Message-ID), two schedulers make one edition, and a write in one web
// process shows in the other's feeds (and a key revoked in one is refused by the other) within a second.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "#src/main.js";
import { loadConfig } from "#src/config.js";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { freePort, startChild, waitForHttp, type Child } from "#test/support/processes.js";
import { article, partner } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { RECORD_GROUP } from "#src/digest/record.js";

const SUBSCRIBERS = 20_000;
const ADMIN = "cluster-test-admin-key-0123456789";
const enabled = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

describe.skipIf(!enabled)("a cluster of 2 web, 3 worker and 2 scheduler processes", () => {
  let database: TestDatabase;
  let dir: string;
  let sinkFile: string;
  let web: string[];
  const children: Child[] = [];
  const workers: Child[] = [];
  let killedAt = 0;
  let spawn: (role: string, extra?: Record<string, string>) => Child;

  const admin = (base: string, p: string, init: RequestInit = {}) =>
    fetch(`${base}${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...(init.headers ?? {}) } });
  const received = () =>
    existsSync(sinkFile)
      ? readFileSync(sinkFile, "utf8")
          .split("\n")
          .filter((l) => l.includes("\treader"))
          .map((l) => l.split("\t") as [string, string])
      : [];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-cluster-"));
    sinkFile = path.join(dir, "sink.log");
    const [smtpPort, port1, port2] = [await freePort(), await freePort(), await freePort()];
    web = [`http://127.0.0.1:${port1}`, `http://127.0.0.1:${port2}`];

    // The newsroom and the list exist before the cluster starts, as in a real deployment.
    const services = await createServices(loadConfig({ DATABASE_URL: database.databaseUrl!, DATA_DIR: dir, PARTNERS_DIR: dir }), pino({ level: "silent" }));
    await services.seedDemo(web[0]!);
    await services.store.partners.upsert(partner(), "api", new Date().toISOString());
    await insertSubscribers(
      services.store.db.kysely,
      Array.from({ length: SUBSCRIBERS }, (_, i) => ({
        email: `reader${i}@example.com`,
        categories: i % 2 ? ["world", "science"] : ["us-military", "us-news"],
        sendHour: 0,
      })),
    );
    await services.close();

    const sink = startChild("test/support/smtp-sink.ts", [String(smtpPort), sinkFile], {});
    children.push(sink);
    await sink.waitFor(/listening/);
    const common = {
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: process.env.TEST_REDIS_URL!,
      QUEUE_PREFIX: `cluster${process.pid}${Date.now()}`,
      ADMIN_API_KEY: ADMIN,
      TOKEN_SECRET: "cluster-test-token-secret-0123456789",
      BASE_URL: web[0]!,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_POOL_SIZE: "3",
      SEED_DEMO: "never",
      PARTNERS_DIR: dir,
      LOG_LEVEL: "warn",
      DIGEST_CRON: "*/3 * * * * *",
      DELIVERIES_CRON: "*/2 * * * * *",
      PARTNERS_CRON: "off",
      DIGEST_LEASE_SECONDS: "5",
      JOB_LOCK_SECONDS: "5",
      DIGEST_RETRY_BASE_MS: "200",
    };
    spawn = (role: string, extra: Record<string, string> = {}) => {
      const child = startChild("src/main.ts", [], { ...common, DISPATCH_ROLE: role, DATA_DIR: mkdtempSync(path.join(dir, `${role}-`)), ...extra });
      children.push(child);
      return child;
    };
    spawn("web", { PORT: String(port1), HOST: "127.0.0.1" });
    spawn("web", { PORT: String(port2), HOST: "127.0.0.1" });
    // Seven processes load TypeScript at once: on two busy cores that takes a while.
    await Promise.all(web.map((w) => waitForHttp(`${w}/healthz`, 120_000)));
  }, 180_000);

  afterAll(async () => {
    for (const child of children) await child.kill("SIGKILL");
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows a write made in one web process in the other's feeds within a second", async () => {
    const before = await fetch(`${web[1]}/feeds/world.rss`);
    expect(before.status).toBe(200);
    const title = `Cluster check ${Date.now()}`;
    const saved = await admin(web[0]!, "/api/articles", {
      method: "POST",
      body: JSON.stringify(article({ slug: "cluster-check", title, category: "world", publishedAt: new Date().toISOString() })),
    });
    expect(saved.status).toBe(201);
    const written = Date.now();
    await eventually(async () => expect(await (await fetch(`${web[1]}/feeds/world.rss`)).text()).toContain(title), 3000);
    expect(Date.now() - written).toBeLessThanOrEqual(1000);
  });

  it("refuses a partner key revoked in one web process in the other within a second", async () => {
    const { key, prefix } = await (await admin(web[0]!, "/api/partners/acme/keys", { method: "POST" })).json();
    const feed = () => fetch(`${web[1]}/partner/feeds/all.rss`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    // Web 2 has checked the key and keeps the check for a few seconds.
    expect(await feed()).toBe(200);
    expect((await admin(web[0]!, `/api/partners/acme/keys/${prefix}`, { method: "DELETE" })).status).toBe(204);
    const revoked = Date.now();
    await eventually(async () => expect(await feed()).toBe(403), 4000);
    expect(Date.now() - revoked).toBeLessThanOrEqual(1000);
  });

  it("counts subscribe rate limits across web processes", async () => {
    const subscribe = (base: string) =>
      fetch(`${base}/subscribe`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "limit@example.com", categories: ["world"], frequency: "daily", timezone: "UTC" }),
      });
    const statuses = [];
    for (const base of [web[0]!, web[1]!, web[0]!, web[1]!]) statuses.push((await subscribe(base)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it("delivers the scheduled edition while a worker dies, once per subscriber but for in-flight messages", async () => {
    for (let i = 0; i < 3; i++) workers.push(spawn("worker"));
    spawn("scheduler");
    spawn("scheduler");
    // Kill a worker once a quarter of the edition has gone out.
    await eventually(
      () => {
        killedAt = received().length;
        expect(killedAt).toBeGreaterThanOrEqual(SUBSCRIBERS / 4);
      },
      120_000,
      50,
    );
    await workers[0]!.kill("SIGKILL");

    let editions: Array<{ id: number; status: string; trigger: string; counts: Record<string, number> }> = [];
    await eventually(
      async () => {
        editions = await (await admin(web[1]!, "/api/editions")).json();
        const done = editions.length && editions.every((e) => e.status === "done") && editions.reduce((n, e) => n + e.counts.sent!, 0) >= SUBSCRIBERS;
        if (!done) throw new Error(`edition not done: ${JSON.stringify(editions)}`);
      },
      240_000,
      250,
    );
    // Two schedulers ticking every 3 seconds, one edition.
    expect(editions).toHaveLength(1);
    expect(editions[0]).toMatchObject({ trigger: "schedule", status: "done", counts: { pending: 0, sent: SUBSCRIBERS, skipped: 0, failed: 0 } });

    const byRecipient = new Map<string, string[]>();
    for (const [id, rcpt] of received()) byRecipient.set(rcpt, [...(byRecipient.get(rcpt) ?? []), id]);
    expect(byRecipient.size).toBe(SUBSCRIBERS);
    const doubled = [...byRecipient.values()].filter((ids) => ids.length > 1);
    console.log(`cluster test: worker killed after ${killedAt} messages; ${doubled.length} sent twice`);
    // In flight in the killed worker: one group of sent messages waiting for its write (RECORD_GROUP)
    // and one message per other lane (its pool: 3) being sent: RECORD_GROUP + 3 − 1.
    expect(doubled.length).toBeLessThanOrEqual(RECORD_GROUP + 3 - 1);
    for (const ids of doubled) expect(new Set(ids).size).toBe(1);
  }, 300_000);
});
