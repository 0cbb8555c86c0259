// Never lose a digest, send one twice only if it was in flight at a crash (with the same Message-ID):
// a real service process is killed with SIGKILL in the middle of an edition, then started again.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "#src/main.js";
import { loadConfig } from "#src/config.js";
import { RECORD_GROUP } from "#src/digest/record.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { freePort, startChild, waitForHttp, type Child } from "#test/support/processes.js";

const SUBSCRIBERS = 10_000;
const ADMIN = "crash-test-admin-key-0123456789";

describe("an edition of 10,000 survives kill -9", () => {
  let dir: string;
  let sinkFile: string;
  let sink: Child;
  let env: Record<string, string>;
  let url: string;
  let editionId: number;
  let receivedAtKill = 0;
  const children: Child[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-crash-"));
    sinkFile = path.join(dir, "sink.log");
    const smtpPort = await freePort();
    sink = startChild("test/support/smtp-sink.ts", [String(smtpPort), sinkFile], {});
    await sink.waitFor(/listening/);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      DATABASE_URL: "",
      ADMIN_API_KEY: ADMIN,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LOG_LEVEL: "warn",
      SEED_DEMO: "auto",
      DIGEST_LEASE_SECONDS: "5",
      DIGEST_RETRY_BASE_MS: "200",
      REDIS_URL: "",
      // No scheduled edition may start during the test (one would mail everyone again, rightly, under another Message-ID).
      DIGEST_CRON: "off",
    };
    // Content and subscribers go in before the service starts, as an existing list would.
    const services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }), pino({ level: "silent" }));
    await services.seedDemo(url);
    await insertSubscribers(
      services.store.db.kysely,
      Array.from({ length: SUBSCRIBERS }, (_, i) => ({
        email: `reader${i}@example.com`,
        categories: i % 2 ? ["world", "science"] : ["us-military", "us-news"],
      })),
    );
    await services.close();
  });
  afterAll(async () => {
    for (const child of children) await child.kill();
    await sink?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  const deliveryStates = (id: number): Record<string, number> => {
    const db = new SQLite(path.join(dir, "dispatch.sqlite"), { readonly: true });
    try {
      const rows = db.prepare("select state, count(*) as n from deliveries where edition_id = ? group by state").all(id) as Array<{ state: string; n: number }>;
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    } finally {
      db.close();
    }
  };
  const received = () =>
    readFileSync(sinkFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t") as [string, string]);

  it("is killed mid-edition", async () => {
    const first = startChild("src/main.ts", [], env);
    children.push(first);
    await waitForHttp(`${url}/healthz`);
    const response = await fetch(`${url}/api/editions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ frequency: "daily" }),
    });
    editionId = (await response.json()).id;
    for (;;) {
      receivedAtKill = received().length;
      if (receivedAtKill >= SUBSCRIBERS * 0.3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.kill("SIGKILL");
    receivedAtKill = received().length;
    // The kill lands mid-edition: the process is gone (nothing more arrives) and the database still
    // holds deliveries that are not sent, which only a restart can finish.
    await new Promise((r) => setTimeout(r, 500));
    expect(received().length).toBe(receivedAtKill);
    const states = deliveryStates(editionId);
    expect(states.sent ?? 0).toBeLessThan(SUBSCRIBERS);
    expect((states.pending ?? 0) + (states.sending ?? 0)).toBeGreaterThan(0);
    expect(Object.values(states).reduce((a, b) => a + b, 0)).toBe(SUBSCRIBERS);
  }, 120_000);

  it("finishes after a restart: everyone got a digest, and only in-flight ones twice, with the same Message-ID", async () => {
    const second = startChild("src/main.ts", [], env);
    children.push(second);
    await waitForHttp(`${url}/healthz`);
    let edition;
    for (;;) {
      edition = await (await fetch(`${url}/api/editions/${editionId}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      if (edition.status === "done") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await second.kill("SIGTERM");
    expect(edition.counts).toEqual({ pending: 0, sent: SUBSCRIBERS, skipped: 0, failed: 0 });

    const byRecipient = new Map<string, string[]>();
    for (const [id, rcpt] of received()) byRecipient.set(rcpt, [...(byRecipient.get(rcpt) ?? []), id]);
    expect(byRecipient.size).toBe(SUBSCRIBERS);
    const doubled = [...byRecipient.entries()].filter(([, ids]) => ids.length > 1);
    // In flight at the kill: one group of sent messages waiting for its write (RECORD_GROUP) and one
    // message per other lane (SMTP_POOL_SIZE 5) being sent: RECORD_GROUP + 5 − 1.
    console.log(`crash test: ${receivedAtKill} received before the kill, ${doubled.length} sent twice`);
    expect(doubled.length).toBeLessThanOrEqual(RECORD_GROUP + 5 - 1);
    for (const [rcpt, ids] of doubled) expect({ rcpt, ids: [...new Set(ids)] }).toEqual({ rcpt, ids: [ids[0]] });
    for (const [, ids] of byRecipient) expect(ids[0]).toMatch(new RegExp(`^<edition-${editionId}\\.subscriber-\\d+@localhost>$`));
  }, 180_000);
});
