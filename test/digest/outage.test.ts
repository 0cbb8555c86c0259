// An SMTP server that is down delays an edition; nothing is lost and nothing is sent twice.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { insertSubscribers, waitForEdition } from "#test/support/subscribers.js";
import { freePort, startChild, type Child } from "#test/support/processes.js";
import { eventually } from "#test/support/eventually.js";

describe("an SMTP outage", () => {
  let database: TestDatabase;
  let app: TestApp;
  let sink: Child | undefined;
  let dir: string;
  let smtpPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-outage-"));
    database = await createTestDatabase("sqlite");
    smtpPort = await freePort();
    app = await startTestApp(database, {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SEED_DEMO: "auto",
      DIGEST_RETRY_BASE_MS: "250",
      DIGEST_MAX_ATTEMPTS: "30",
    });
    await insertSubscribers(
      app.store.db.kysely,
      Array.from({ length: 40 }, (_, i) => ({ email: `r${i}@example.com`, categories: ["world"] })),
    );
  });
  afterAll(async () => {
    await app.close();
    await sink?.kill("SIGTERM");
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds the edition while the server is down and delivers everything once it is back", async () => {
    const id = (await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json()).id;
    await new Promise((r) => setTimeout(r, 2000));
    const during = await (await app.admin(`/api/editions/${id}`)).json();
    expect(during).toMatchObject({ status: "running", counts: { pending: 40, sent: 0, failed: 0 } });

    const file = path.join(dir, "sink.log");
    sink = startChild("test/support/smtp-sink.ts", [String(smtpPort), file], {});
    await sink.waitFor(/listening/);
    const done = await waitForEdition(app.admin, id, 60_000);
    expect(done.counts).toEqual({ pending: 0, sent: 40, skipped: 0, failed: 0 });
    // The sink appends its log line after answering 250: it may land a moment after the edition is done.
    await eventually(() => {
      const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
      expect(new Set(lines.map((l) => l.split("\t")[1])).size).toBe(40);
      expect(lines).toHaveLength(40);
    });
  }, 90_000);
});
