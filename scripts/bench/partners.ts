// npm run bench -- partners [--feeds 500] [--items 50] [--backend sqlite|postgres]: N partner feeds
// of M items served from a local child process; first pull vs. a re-pull with nothing changed (304s).
// Baseline, measured in the same run: fetching the same feeds with undici and discarding the bytes
// (the network floor). PostgreSQL: TEST_DATABASE_URL or DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), in a schema of its own dropped afterwards.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import pg from "pg";
import pino from "pino";
import { fetch } from "undici";
import { openStore } from "#src/store/index.js";
import { createArticleService } from "#src/articles/service.js";
import { createPartnerService } from "#src/feeds-in/service.js";
import { loadConfig } from "#src/config.js";
import { printResult, progress } from "../lib/cli.js";
import { cpuMicros } from "./_proc.js";

const { values } = parseArgs({
  options: { feeds: { type: "string", default: "500" }, items: { type: "string", default: "50" }, backend: { type: "string", default: "sqlite" } },
});
const FEEDS = Number(values.feeds);
const ITEMS = Number(values.items);
const BACKEND = values.backend;
if (BACKEND !== "sqlite" && BACKEND !== "postgres") throw new Error(`--backend: "sqlite" or "postgres", not "${BACKEND}"`);
const config = loadConfig({ ...process.env, BASE_URL: "" });

const here = path.dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "_partner-feeds.ts"), String(FEEDS), String(ITEMS)], {
  stdio: ["pipe", "pipe", "inherit"],
});
const origin = await new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
const dataDir = mkdtempSync(path.join(tmpdir(), "dispatch-bench-partners-"));
const DATABASE = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `bench_partners_${process.pid}`;
const admin = BACKEND === "postgres" ? new pg.Client({ connectionString: DATABASE }) : undefined;
let databaseUrl: string | undefined;
if (admin) {
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  const url = new URL(DATABASE);
  url.searchParams.set("options", `-c search_path=${schema}`);
  databaseUrl = url.toString();
}
const store = await openStore({ dataDir, databaseUrl, sqliteCacheMb: config.sqliteCacheMb });
await store.categories.upsert({ slug: "world", name: "World", description: "" }, new Date().toISOString());
const articles = createArticleService({ articles: store.articles, categories: store.categories });
const partners = createPartnerService(
  { store, articles, logger: pino({ level: "silent" }) },
  {
    partnersDir: dataDir,
    timeoutMs: 20_000,
    maxBytes: config.partnerMaxBytes,
    concurrency: config.partnerConcurrency,
    parseWorkers: config.partnerParseWorkers,
    parseTimeoutMs: 15_000,
    parseMemoryMb: 256,
    maxBackoffMinutes: 1440,
    unhealthyAfterMinutes: 1440,
    userAgent: "dispatch-bench",
  },
);
for (let n = 0; n < FEEDS; n++) {
  await store.partners.upsert(
    {
      slug: `p${n}`,
      name: `Partner ${n}`,
      url: `${origin}/feeds/${n}.xml`,
      category: "world",
      categoryMap: {},
      intervalMinutes: 15,
      fullContent: false,
      enabled: true,
      allowPrivateNetwork: true,
    },
    "api",
    new Date().toISOString(),
  );
}

/** This process's main thread's CPU time so far, seconds (Linux /proc; 0 elsewhere): the save step runs there, parsing in the workers. */
function mainThreadCpu(): number {
  return cpuMicros(`/proc/self/task/${process.pid}/stat`) / 1e6;
}

/** CPU time so far of each thread of this process, µs by thread id (Linux /proc; empty elsewhere). */
function threadCpu(): Map<string, number> {
  const times = new Map<string, number>();
  if (!existsSync("/proc/self/task")) return times;
  for (const tid of readdirSync("/proc/self/task")) times.set(tid, cpuMicros(`/proc/self/task/${tid}/stat`));
  return times;
}

/**
 * A phase's CPU split by thread, seconds: the main thread, the parse workers (taken to be the busiest
 * other threads, as many as there are workers), the rest of this process's threads (V8's garbage
 * collection and compiler threads, libuv's) and the feed server (a process of its own on the same cores).
 */
function cpuSplit(before: Map<string, number>, after: Map<string, number>, server: [number, number], database: [number, number]) {
  const others = [...after]
    .filter(([tid]) => tid !== String(process.pid))
    .map(([tid, used]) => used - (before.get(tid) ?? 0))
    .sort((a, b) => b - a);
  const workers = others.slice(0, config.partnerParseWorkers).reduce((a, b) => a + b, 0);
  const rest = others.slice(config.partnerParseWorkers).reduce((a, b) => a + b, 0);
  return { workers: workers / 1e6, otherThreads: rest / 1e6, feedServer: (server[1] - server[0]) / 1e6, database: (database[1] - database[0]) / 1e6 };
}

const serverCpu = () => (child.pid ? cpuMicros(`/proc/${child.pid}/stat`) : 0);

/** CPU time so far of every PostgreSQL server process on this machine, µs (0 for SQLite, or without /proc). */
function databaseCpu(): number {
  if (BACKEND !== "postgres" || !existsSync("/proc")) return 0;
  let used = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const stat = `/proc/${pid}/stat`;
    try {
      if (readFileSync(stat, "utf8").includes("(postgres)")) used += cpuMicros(stat);
    } catch {
      // gone meanwhile
    }
  }
  return used;
}

/** Wall time, CPU time (every thread of this process: main and parse workers) and peak RSS (sampled every 20 ms) of one phase. */
async function measure<T>(label: string, run: (update: (done: number) => void) => Promise<T>) {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const bar = progress(label, FEEDS);
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpu();
  const threads = threadCpu();
  const server = serverCpu();
  const database = databaseCpu();
  const started = process.hrtime.bigint();
  const result = await run((done) => bar.update(done));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const mainCpuSeconds = mainThreadCpu() - mainCpu;
  const split = cpuSplit(threads, threadCpu(), [server, serverCpu()], [database, databaseCpu()]);
  bar.done();
  clearInterval(sampler);
  return {
    result,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    mainCpuSeconds,
    split,
    peakMb: Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024,
  };
}

try {
  const etags: string[] = [];
  /** Every feed fetched with undici at the pulls' concurrency, the bytes discarded: `headers` per feed, etags kept. */
  const fetchAll = (headers: (n: number) => Record<string, string>) => async (update: (done: number) => void) => {
    const limit = pLimit(config.partnerConcurrency);
    let done = 0;
    await Promise.all(
      Array.from({ length: FEEDS }, (_, n) =>
        limit(async () => {
          const response = await fetch(`${origin}/feeds/${n}.xml`, { headers: headers(n) });
          await response.arrayBuffer();
          etags[n] ??= response.headers.get("etag") ?? "";
          update(++done);
        }),
      ),
    );
  };
  const baseline = await measure(
    "fetch only",
    fetchAll(() => ({})),
  );
  // The floor of a re-pull: the same conditional requests, answered 304, and nothing else.
  const baseline304 = await measure(
    "fetch only, 304",
    fetchAll((n) => ({ "if-none-match": etags[n]! })),
  );
  const first = await measure("first pull", (update) => partners.pullAll((done) => update(done)));
  const again = await measure("re-pull", (update) => partners.pullAll((done) => update(done)));
  // A partner that ignores conditional GET: full bodies, parsed and hashed, nothing written.
  for (let n = 0; n < FEEDS; n++) await store.partners.recordHealth(`p${n}`, { etag: null });
  const unconditional = await measure("re-pull, no validators", (update) => partners.pullAll((done) => update(done)));
  const items = first.result.new;
  const perItem = (seconds: number, count: number) => (count ? ((seconds / count) * 1e6).toFixed(0) : "-");
  const row = (name: string, m: { seconds: number; cpuSeconds: number; mainCpuSeconds: number; peakMb: number }, count: number) =>
    console.log(
      `${name.padEnd(26)} ${m.seconds.toFixed(2).padStart(7)} s  ${(count / m.seconds).toFixed(0).padStart(8)} items/s  ` +
        `CPU ${m.cpuSeconds.toFixed(2).padStart(6)} s (${perItem(m.cpuSeconds, count)} µs/item; main thread ${perItem(m.mainCpuSeconds, count)})  ` +
        `peak RSS ${m.peakMb.toFixed(0)} MB`,
    );
  console.log(
    `\npartners: ${FEEDS} feeds × ${ITEMS} items over loopback, concurrency ${config.partnerConcurrency}, ${config.partnerParseWorkers} parse workers, ${BACKEND === "postgres" ? "PostgreSQL" : "SQLite"}`,
  );
  row("baseline: fetch only", baseline, FEEDS * ITEMS);
  row("baseline: fetch only, 304", baseline304, FEEDS * ITEMS);
  row("first pull (all new)", first, items);
  row("re-pull (304, unchanged)", again, FEEDS * ITEMS);
  row("re-pull, 200, unchanged", unconditional, unconditional.result.unchanged);
  const perItemOf = (seconds: number) => perItem(seconds, items);
  console.log(
    `first pull, CPU µs an item by thread: main ${perItemOf(first.mainCpuSeconds)}, parse workers ${perItemOf(first.split.workers)}, ` +
      `other threads (V8 GC and compiler, libuv) ${perItemOf(first.split.otherThreads)}; the feed server process ${perItemOf(first.split.feedServer)}` +
      (BACKEND === "postgres" ? `, PostgreSQL's processes ${perItemOf(first.split.database)}` : ""),
  );
  console.log(`first pull: ${first.result.ok} ok, ${first.result.failed} failed, ${items} new; re-pull: ${again.result.notModified} not modified`);
  console.log(
    `re-pull / first pull: ${((again.seconds / first.seconds) * 100).toFixed(1)}% of the wall time (target ≤ 2%); ` +
      `without validators: ${((unconditional.seconds / first.seconds) * 100).toFixed(1)}%; ` +
      `the 304 requests alone: ${((baseline304.seconds / first.seconds) * 100).toFixed(1)}%`,
  );
  printResult("partners", {
    backend: BACKEND,
    feeds: FEEDS,
    items: ITEMS,
    firstPullItemsPerSecond: items / first.seconds,
    fetchOnlyItemsPerSecond: (FEEDS * ITEMS) / baseline.seconds,
    repullShare: again.seconds / first.seconds,
    fetchOnly304Seconds: baseline304.seconds,
    firstPullSeconds: first.seconds,
    repullSeconds: again.seconds,
    firstPullCpuSeconds: first.cpuSeconds,
    firstPullMainThreadCpuSeconds: first.mainCpuSeconds,
    firstPullParseWorkersCpuSeconds: first.split.workers,
    firstPullOtherThreadsCpuSeconds: first.split.otherThreads,
    feedServerCpuSeconds: first.split.feedServer,
    ...(BACKEND === "postgres" ? { databaseServerCpuSeconds: first.split.database } : {}),
    repullCpuSeconds: again.cpuSeconds,
    loadAverage: os.loadavg()[0],
    unconditionalVsFirst: unconditional.seconds / first.seconds,
    peakRssMb: Math.max(baseline.peakMb, baseline304.peakMb, first.peakMb, again.peakMb, unconditional.peakMb),
  });
} finally {
  await partners.close();
  await store.close();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
