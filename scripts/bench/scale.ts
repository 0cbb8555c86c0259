// npm run bench -- scale [--subscribers 10000] [--workers 1,2,4]
// Edition throughput with 1, 2 and 4 worker processes on PostgreSQL + Redis (BullMQ), each run to the
// same kind of SMTP sink (postfix's smtp-sink) in its own process. Needs DATABASE_URL and REDIS_URL
// (defaults: this machine's postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "#src/config.js";
import { createServices } from "#src/main.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { freePort, startChild, waitForHttp, type Child } from "#test/support/processes.js";
import { requirePostfix, startSink } from "./_postfix.js";
import { args, printResult, progress } from "../lib/cli.js";

const options = args({
  subscribers: { type: "string", default: "10000" },
  workers: { type: "string", default: "1,2,4" },
  pool: { type: "string", default: "5" },
});
const N = Number(options.subscribers);
const DATABASE = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN = "bench-scale-admin-key-0123456789";
requirePostfix("scale");

const results: Array<{ workers: number; seconds: number; sent: number }> = [];
for (const count of options.workers.split(",").map(Number)) results.push(await run(count));

console.log(`\nscale bench: an edition of ${N} digests, PostgreSQL + Redis (BullMQ), pool of ${options.pool} per worker, ${cpus().length} cores`);
const base = results[0]!;
for (const r of results) {
  const rate = r.sent / r.seconds;
  console.log(
    `${String(r.workers).padStart(2)} worker process(es): ${rate.toFixed(0).padStart(6)} msg/s  ${r.seconds.toFixed(1).padStart(6)} s  ${(rate / (base.sent / base.seconds)).toFixed(2)} × one worker`,
  );
}
printResult("scale", {
  subscribers: N,
  cores: cpus().length,
  runs: results.map((r) => ({ workers: r.workers, perSecond: r.sent / r.seconds, vsOneWorker: r.sent / r.seconds / (base.sent / base.seconds) })),
});

async function run(workers: number): Promise<{ workers: number; seconds: number; sent: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "dispatch-bench-scale-"));
  const schema = `bench_scale_${process.pid}_${workers}`;
  const admin = new pg.Client({ connectionString: DATABASE });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  const url = new URL(DATABASE);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const children: Child[] = [];
  let sink: ChildProcess | undefined;
  try {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const web = `http://127.0.0.1:${webPort}`;
    const services = await createServices(
      loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dir, PARTNERS_DIR: dir, LOG_LEVEL: "silent" }),
      pino({ level: "silent" }),
    );
    await services.seedDemo(web);
    await insertSubscribers(
      services.store.db.kysely,
      Array.from({ length: N }, (_, i) => ({ email: `reader${i}@bench.example`, categories: i % 2 ? ["world", "science"] : ["us-military", "us-news"] })),
    );
    await services.close();
    sink = startSink(smtpPort);
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: REDIS,
      QUEUE_PREFIX: `benchscale${process.pid}w${workers}`,
      ADMIN_API_KEY: ADMIN,
      TOKEN_SECRET: "bench-scale-token-secret-0123456789",
      BASE_URL: web,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_POOL_SIZE: options.pool,
      SEED_DEMO: "never",
      PARTNERS_DIR: dir,
      LOG_LEVEL: "warn",
      DIGEST_CRON: "off",
      PARTNERS_CRON: "off",
    };
    children.push(startChild("src/main.ts", [], { ...env, DISPATCH_ROLE: "web,scheduler", PORT: String(webPort), HOST: "127.0.0.1", DATA_DIR: dir }));
    for (let i = 0; i < workers; i++) children.push(startChild("src/main.ts", [], { ...env, DISPATCH_ROLE: "worker", DATA_DIR: dir }));
    await waitForHttp(`${web}/healthz`);
    await new Promise((r) => setTimeout(r, 3000)); // let the workers connect
    const bar = progress(`${workers} worker(s)`, N);
    const started = performance.now();
    const response = await fetch(`${web}/api/editions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"frequency":"daily"}',
    });
    const { id } = (await response.json()) as { id: number };
    let sent = 0;
    for (;;) {
      const edition = (await (await fetch(`${web}/api/editions/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
        status: string;
        counts: { sent: number; failed: number; skipped: number };
      };
      sent = edition.counts.sent;
      bar.update(sent + edition.counts.failed + edition.counts.skipped);
      if (edition.status === "done") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    bar.done();
    return { workers, seconds, sent };
  } finally {
    for (const child of children) await child.kill("SIGTERM");
    sink?.kill();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
