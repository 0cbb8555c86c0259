// `npm run digest -- --dry-run`: every digest written to the outbox as it would be sent, nothing recorded.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "#src/main.js";
import { loadConfig } from "#src/config.js";
import { PROJECT_ROOT } from "#src/paths.js";
import { insertSubscribers } from "#test/support/subscribers.js";

describe("the digest dry run", () => {
  let dir: string;
  let output: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-dry-run-"));
    const services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }), pino({ level: "silent" }));
    await services.seedDemo("http://localhost:3000");
    await services.store.categories.upsert({ slug: "quiet", name: "Quiet", description: "Nothing here." }, new Date().toISOString());
    await insertSubscribers(services.store.db.kysely, [
      { email: "ann@example.com", categories: ["world"] },
      { email: "ben@example.com", categories: ["us-news", "science"] },
      { email: "cat@example.com", categories: ["quiet"] },
    ]);
    await services.close();
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/digest.ts", "--frequency", "daily", "--dry-run"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: "warn", BASE_URL: "https://news.example.com", MAIL_FROM: "News <digest@news.example.com>" },
    });
    output = run.stdout;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports digests written and subscribers apart", () => {
    expect(output).toMatch(/dry run: 2 daily digests written into .* for 3 subscribers \(1 with nothing new\)/);
  });

  it("writes each digest with the headers a real one carries", () => {
    const files = readdirSync(path.join(dir, "outbox"));
    expect(files).toHaveLength(2);
    for (const file of files) {
      const raw = readFileSync(path.join(dir, "outbox", file), "utf8").replace(/\r\n(?=[ \t])/g, "");
      expect(raw).toMatch(/^Subject: \[dry run\] /m);
      expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/news\.example\.com\/unsubscribe\?token=[^>]+>\r$/m);
      expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
      expect(raw).toMatch(/^List-Id: .*<daily\.digest\.news\.example\.com>\r$/im);
      expect(raw).toMatch(/^Message-ID: <dry-run\.subscriber-\d+@news\.example\.com>\r$/m);
    }
  });

  it("records nothing", async () => {
    const services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }), pino({ level: "silent" }));
    try {
      expect(await services.store.db.kysely.selectFrom("editions").select("id").execute()).toEqual([]);
      expect(await services.store.db.kysely.selectFrom("deliveries").select("id").execute()).toEqual([]);
    } finally {
      await services.close();
    }
  });
});
