// npm run bench -- digest [--subscribers 100000] [--naive-sample 200] [--pool 5] [--render-threads 1] [--rounds 1]
//                         [--only render|edition|bare|raw|ours|source] (parts alone, comma-separated: e.g. edition,source; or one under --cpu-prof)
//                         [--dkim] (every message DKIM-signed with an RSA-2048 key, on both sides)
//                         [--rounds N] (N editions, each followed by smtp-source: the medians, and each round's ratio)
// 1. compose + render throughput vs the naive way (mjml2html per recipient, on a sample);
// 2. a whole edition sent to postfix's smtp-sink in another process, vs nodemailer's pool sending the
//    same pre-rendered messages (composed by nodemailer per send, and as pre-composed bytes), vs
//    Dispatch's own SMTP pool sending pre-composed bytes, vs postfix's smtp-source → smtp-sink.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import Handlebars from "handlebars";
import mjml2html from "mjml";
import pLimit from "p-limit";
import pino from "pino";
import { loadConfig } from "#src/config.js";
import { createServices } from "#src/main.js";
import nodemailer from "nodemailer";
import { createMailer } from "#src/mail/transport.js";
import { composeMail } from "#src/mail/compose.js";
import { digestLinks } from "#src/digest/links.js";
import { renderJobFor } from "#src/digest/message.js";
import { createTokens } from "#src/subscribers/tokens.js";
import { loadContent } from "#src/digest/content.js";
import { renderDigest } from "#src/digest/compose.js";
import { storiesFor } from "#src/digest/rank.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { readFileSync } from "node:fs";
import { insertSubscribers } from "#test/support/subscribers.js";
import { freePort } from "#test/support/processes.js";
import { args, printResult, progress } from "../lib/cli.js";
import { requirePostfix, runSmtpSource, startSink } from "./_postfix.js";
import { cpuMicros } from "./_proc.js";

const options = args({
  subscribers: { type: "string", default: "100000" },
  "naive-sample": { type: "string", default: "200" },
  pool: { type: "string", default: "5" },
  "render-threads": { type: "string", default: "1" },
  only: { type: "string", default: "" },
  dkim: { type: "boolean", default: false },
  rounds: { type: "string", default: "1" },
});
const ROUNDS = Number(options.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds: a whole number from 1, not "${options.rounds}"`);
const ONLY = options.only;
const N = Number(options.subscribers);
const SAMPLE = Number(options["naive-sample"]);
const POOL = Number(options.pool);
const CATEGORY_SETS = [["us-military"], ["us-news", "world"], ["world", "science"], ["us-military", "us-news", "world", "science"], ["science"]];

const dir = mkdtempSync(path.join(tmpdir(), "dispatch-bench-digest-"));
const sinkPort = await freePort();
requirePostfix("digest");
const sink = startSink(sinkPort);
const baseUrl = "http://localhost:3000";
const dkimKey = options.dkim ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString() : undefined;
const config = loadConfig({
  DATA_DIR: dir,
  SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
  SMTP_POOL_SIZE: String(POOL),
  BASE_URL: baseUrl,
  LOG_LEVEL: "silent",
  PARTNERS_DIR: dir,
  DIGEST_RENDER_THREADS: options["render-threads"],
  ...(dkimKey ? { DKIM_DOMAIN: "bench.example", DKIM_SELECTOR: "bench", DKIM_PRIVATE_KEY: dkimKey } : {}),
});
const services = await createServices(config, pino({ level: "silent" }));
try {
  await services.seedDemo(baseUrl);
  const setup = progress("subscribers", N);
  for (let i = 0; i < N; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, N - i) }, (_, k) => ({
      email: `reader${i + k}@bench.example`,
      categories: CATEGORY_SETS[(i + k) % CATEGORY_SETS.length]!,
    }));
    await insertSubscribers(services.store.db.kysely, batch);
    setup.update(i + batch.length);
  }
  setup.done();
  const digest = services.createDigest(baseUrl);

  // 1. Compose + render: ours (compiled once, filled per subscriber) vs mjml2html per recipient.
  const now = new Date();
  const categoryNames = new Map((await services.store.categories.list()).map((c) => [c.slug, c.name]));
  const content = await loadContent(services.store.digests, categoryNames, now, { baseUrl });
  const template = await services.emailTemplates.get("digest");
  const links = { viewUrl: `${baseUrl}/v?token=x`, preferencesUrl: `${baseUrl}/p?token=x`, unsubscribeUrl: `${baseUrl}/u?token=x` };
  const input = (i: number) => ({
    topStories: storiesFor(
      content.ranked,
      { frequency: "daily" as const, categories: CATEGORY_SETS[i % CATEGORY_SETS.length]!, sent: new Set<number>(), lastSentAt: null },
      5,
      now,
    ),
    related: content.relator,
    categoryNames,
    frequency: "daily" as const,
    timezone: "UTC",
    now,
    publisher: { name: config.publisherName, address: config.publisherAddress },
    links,
  });
  const measured = (part: "render" | "edition" | "bare" | "raw" | "ours" | "source") => ONLY === "" || ONLY.split(",").includes(part);
  let bytes = 0;
  const sizeSample = measured("render") ? N : Math.min(N, 500);
  let t = performance.now();
  for (let i = 0; i < sizeSample; i++) bytes += renderDigest(template, input(i)).html.length;
  const oursSeconds = (performance.now() - t) / 1000;
  const averageSize = Math.round(bytes / sizeSample);
  let naiveSeconds = NaN;
  if (measured("render")) {
    const rawMjml = Handlebars.compile(inlinePartials(readFileSync(path.join(TEMPLATES_DIR, "digest.mjml"), "utf8")));
    t = performance.now();
    for (let i = 0; i < SAMPLE; i++) {
      const { view } = renderDigest(template, input(i));
      await mjml2html(rawMjml(view), { validationLevel: "skip" });
    }
    naiveSeconds = (performance.now() - t) / 1000;
  }
  const oursRate = sizeSample / oursSeconds;
  const naiveRate = SAMPLE / naiveSeconds;

  // 2. End to end: a whole edition through the pipeline to the sink; with --rounds, each round an
  // edition to the whole list (the last round's deliveries removed first, so that every digest has
  // stories again) followed by smtp-source, the figures being the medians of the rounds.
  const editionRun = async () => {
    const edition = progress("edition", N);
    // The process's resident memory sampled while the edition runs (render threads included): bounded
    // memory means this stays flat as the subscriber count grows.
    let peakRss = process.memoryUsage.rss();
    const cpuBefore = cpuTimes(sink.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    const started = performance.now();
    const id = await digest.startEdition("daily");
    await digest.drain({ editionId: id, onProgress: (r) => edition.update(r.sent + r.skipped + r.failed) });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const cpu = cpuPerMessage(cpuBefore, cpuTimes(sink.pid), N);
    edition.done();
    return { seconds, peakRss, cpu, counts: (await digest.edition(id)).counts };
  };
  // smtp-source's own CPU (GNU time) and the sink's while it runs: the baseline's cost a message.
  const sourceRun = () => {
    const sinkBefore = cpuTimes(sink.pid);
    const run = runSmtpSource({ port: sinkPort, count: N, size: wireSize, sessions: POOL });
    const sinkAfter = cpuTimes(sink.pid);
    return run ? { ...run, sinkCpu: sinkBefore && sinkAfter ? (sinkAfter.sink - sinkBefore.sink) / N : undefined } : undefined;
  };
  // The bare ceilings: the same pool sending pre-rendered digests of the average size, under the same
  // headers (a List-Unsubscribe link signed the same way): composed by nodemailer per send, as a plain
  // nodemailer user sends, and as pre-composed bytes, which leaves the pool nothing but SMTP.
  const sample = CATEGORY_SETS.map((_, i) => renderDigest(template, input(i))).sort(
    (a, b) => Math.abs(a.html.length - averageSize) - Math.abs(b.html.length - averageSize),
  )[0]!;
  const signed = digestLinks(baseUrl, createTokens("bench-token-secret-0123456789abcdef"));
  const bareMessage = (i: number) => ({
    subject: sample.view.subject,
    html: sample.html,
    text: sample.text,
    ...renderJobFor(
      {
        deliveryId: i,
        editionId: 1,
        subscriberId: i,
        email: `reader${i}@bench.example`,
        categories: [],
        frequency: "daily",
        timezone: "UTC",
        tokenVersion: 1,
        attempts: 0,
        articleIds: null,
      },
      [],
      signed,
      `<bare-${i}@bench>`,
      { publisherName: config.publisherName, mailHost: "bench" },
    ).message,
  });
  // nodemailer's own pool, as a plain nodemailer user sets it up (signing with DKIM when set, but not
  // bytes composed and signed before).
  const nodemailerPool = (sign: boolean) =>
    nodemailer.createTransport({
      pool: true,
      url: config.smtpUrl,
      maxConnections: POOL,
      maxMessages: 1000,
      maxRequeues: 0,
      ...(sign && config.dkim ? { dkim: config.dkim } : {}),
    } as Parameters<typeof nodemailer.createTransport>[0]);
  const timedRun = async (name: string, send: (i: number) => Promise<unknown>, close: () => Promise<void>): Promise<number> => {
    const limit = pLimit(POOL);
    const bar = progress(name, N);
    const started = performance.now();
    let sent = 0;
    await Promise.all(Array.from({ length: N }, (_, i) => limit(async () => (await send(i), bar.update(++sent)))));
    const seconds = (performance.now() - started) / 1000;
    bar.done();
    await close();
    return seconds;
  };
  const envelopeFrom = "digest@bench.example";
  let bareSeconds = NaN;
  let rawSeconds = NaN;
  let poolSeconds = NaN;
  if (measured("bare")) {
    const pool = nodemailerPool(true);
    bareSeconds = await timedRun(
      "bare nodemailer",
      (i) => pool.sendMail({ from: config.mailFrom, ...bareMessage(i) }),
      async () => pool.close(),
    );
  }
  const identity = { from: config.mailFrom, dkim: config.dkim };
  // The size of a digest's message as it goes on the wire (headers, both parts, encoded, signed if
  // DKIM is set): what smtp-source sends, so the baseline moves the same bytes.
  const wireSize = (await composeMail(identity, bareMessage(0))).raw.byteLength;
  if (measured("raw") || measured("ours")) {
    const ring = await Promise.all(Array.from({ length: Math.min(N, 500) }, (_, i) => composeMail(identity, bareMessage(i))));
    if (measured("raw")) {
      const pool = nodemailerPool(false);
      rawSeconds = await timedRun(
        "bare nodemailer, raw",
        (i) => pool.sendMail({ envelope: { from: envelopeFrom, to: [ring[i % ring.length]!.to] }, raw: Buffer.from(ring[i % ring.length]!.raw) }),
        async () => pool.close(),
      );
    }
    if (measured("ours")) {
      const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: dir, from: config.mailFrom, maxConnections: POOL });
      poolSeconds = await timedRun(
        "Dispatch mailer, raw",
        (i) => mailer.sendPrepared(ring[i % ring.length]!),
        () => mailer.close(),
      );
    }
  }

  const rounds: Array<{ edition?: Awaited<ReturnType<typeof editionRun>>; source?: ReturnType<typeof sourceRun> }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r > 0) await services.store.db.kysely.deleteFrom("deliveries").execute();
    rounds.push({
      ...(measured("edition") ? { edition: await editionRun() } : {}),
      ...(measured("source") ? { source: sourceRun() } : {}),
    });
  }
  const byMedian = <T>(values: T[], key: (v: T) => number): T | undefined => [...values].sort((a, b) => key(a) - key(b))[values.length >> 1];
  const editions = rounds.flatMap((r) => (r.edition ? [r.edition] : []));
  const middle = byMedian(editions, (e) => e.seconds);
  const editionSeconds = middle?.seconds ?? NaN;
  const editionPeakRss = editions.length ? Math.max(...editions.map((e) => e.peakRss)) : NaN;
  const editionCpu: CpuPerMessage | undefined = middle?.cpu;
  const counts = middle?.counts ?? { sent: 0, skipped: 0, failed: 0 };

  const sources = rounds.flatMap((r) => (r.source ? [r.source] : []));
  const middleSource = byMedian(sources, (x) => x.seconds);
  const source = middleSource?.seconds;
  const sourceSinkCpu = middleSource?.sinkCpu;
  // Each round's edition against the smtp-source run right after it.
  const ratios = rounds.flatMap((r) => (r.edition && r.source ? [r.source.seconds / r.edition.seconds] : []));
  const medianRatio = byMedian(ratios, (x) => x);

  const row = (name: string, rate: number, extra = "") => console.log(`${name.padEnd(44)} ${rate.toFixed(0).padStart(9)} msg/s  ${extra}`);
  console.log(
    `\ndigest bench: ${N} subscribers, ${categoryNames.size} categories, ~${(averageSize / 1024).toFixed(0)} KB HTML per digest (${(wireSize / 1024).toFixed(0)} KB on the wire), pool of ${POOL}, ${config.digest.renderThreads} render thread(s), ${config.databaseUrl ? "PostgreSQL" : "SQLite"}${config.dkim ? ", DKIM-signed (RSA-2048)" : ""}`,
  );
  if (measured("render")) {
    row("compose + render (compiled MJML + Handlebars)", oursRate, `${((oursSeconds / N) * 1e6).toFixed(0)} µs each`);
    row(
      `naive mjml2html per recipient (${SAMPLE} sample)`,
      naiveRate,
      `${((naiveSeconds / SAMPLE) * 1000).toFixed(1)} ms each; ours is ${(oursRate / naiveRate).toFixed(0)} × faster`,
    );
  }
  if (measured("edition"))
    row(
      "edition end to end (claim, compose, send, record)",
      N / editionSeconds,
      `${editionSeconds.toFixed(1)} s; sent ${counts.sent}, skipped ${counts.skipped}, failed ${counts.failed}; peak RSS ${mb(editionPeakRss)} MB`,
    );
  if (editionCpu)
    console.log(
      `${"".padEnd(44)} CPU a message: main thread ${editionCpu.mainThread.toFixed(0)} µs, other threads (render, GC, I/O) ${editionCpu.otherThreads.toFixed(0)} µs, smtp-sink ${editionCpu.sink.toFixed(0)} µs`,
    );
  if (measured("bare"))
    row("bare nodemailer pool, pre-rendered", N / bareSeconds, `${bareSeconds.toFixed(1)} s; edition = ${(bareSeconds / editionSeconds).toFixed(2)} × bare`);
  if (measured("raw"))
    row("bare nodemailer pool, pre-composed bytes", N / rawSeconds, `${rawSeconds.toFixed(1)} s; edition = ${(rawSeconds / editionSeconds).toFixed(2)} × raw`);
  if (measured("ours"))
    row(
      "Dispatch's SMTP pool, pre-composed bytes",
      N / poolSeconds,
      `${poolSeconds.toFixed(1)} s; edition = ${(poolSeconds / editionSeconds).toFixed(2)} × this`,
    );
  if (source) {
    row(
      "postfix smtp-source → smtp-sink",
      N / source,
      `${source.toFixed(1)} s; edition = ${medianRatio?.toFixed(2) ?? "-"} × smtp-source${ROUNDS > 1 ? " (the median of the rounds)" : ""}`,
    );
    console.log(
      `${"".padEnd(44)} CPU a message: smtp-source ${middleSource?.cpuMicrosPerMessage?.toFixed(0) ?? "?"} µs, smtp-sink ${sourceSinkCpu?.toFixed(0) ?? "?"} µs`,
    );
  } else if (measured("source")) console.log("postfix smtp-source: not installed (apt-get install postfix) — skipped");
  if (ROUNDS > 1)
    for (const [n, r] of rounds.entries())
      console.log(
        `${`round ${n + 1}`.padEnd(44)} edition ${r.edition ? (N / r.edition.seconds).toFixed(0) : "-"} msg/s, smtp-source ${r.source ? (N / r.source.seconds).toFixed(0) : "-"} msg/s` +
          (r.edition && r.source ? `: ${(r.source.seconds / r.edition.seconds).toFixed(2)} ×` : ""),
      );
  console.log(
    `${"".padEnd(44)} load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (1, 5, 15 min)`,
  );
  // Every figure printed above, msg/s unless named otherwise; the four rates of the same run side by side.
  printResult("digest", {
    subscribers: N,
    dkim: Boolean(config.dkim),
    renderThreads: config.digest.renderThreads,
    pool: POOL,
    averageHtmlBytes: averageSize,
    wireBytes: wireSize,
    edition: measured("edition") ? N / editionSeconds : null,
    bareNodemailer: measured("bare") ? N / bareSeconds : null,
    preComposed: measured("raw") ? N / rawSeconds : null,
    dispatchPool: measured("ours") ? N / poolSeconds : null,
    smtpSource: source ? N / source : null,
    smtpSourceCpuMicrosPerMessage: middleSource ? { source: middleSource.cpuMicrosPerMessage ?? null, sink: sourceSinkCpu ?? null } : null,
    loadAverage: os.loadavg(),
    render: measured("render") ? oursRate : null,
    naiveRender: measured("render") ? naiveRate : null,
    editionSeconds: measured("edition") ? editionSeconds : null,
    editionPeakRssMb: measured("edition") ? editionPeakRss / 2 ** 20 : null,
    editionCpuMicrosPerMessage: editionCpu ?? null,
    editionVsBareNodemailer: bareSeconds / editionSeconds,
    editionVsPreComposed: rawSeconds / editionSeconds,
    editionVsSmtpSource: medianRatio ?? null,
    rounds: rounds.map((r) => ({ edition: r.edition ? N / r.edition.seconds : null, smtpSource: r.source ? N / r.source.seconds : null })),
    counts,
  });
} finally {
  await services.close();
  sink.kill();
  rmSync(dir, { recursive: true, force: true });
}

interface CpuPerMessage {
  mainThread: number;
  otherThreads: number;
  sink: number;
}

/** CPU time so far, µs (Linux /proc): this process's main thread, its other threads, the sink process. */
function cpuTimes(sinkPid: number | undefined): { main: number; others: number; sink: number } | undefined {
  if (!existsSync("/proc/self/task")) return undefined;
  // A thread that ended between listing and reading counts 0.
  let main = 0;
  let others = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    const used = cpuMicros(`/proc/self/task/${tid}/stat`);
    if (tid === String(process.pid)) main = used;
    else others += used;
  }
  return { main, others, sink: sinkPid ? cpuMicros(`/proc/${sinkPid}/stat`) : 0 };
}

function cpuPerMessage(before: ReturnType<typeof cpuTimes>, after: ReturnType<typeof cpuTimes>, count: number): CpuPerMessage | undefined {
  if (!before || !after) return undefined;
  // Threads that ended during the edition take their time with them: "other threads" is a lower bound.
  return {
    mainThread: (after.main - before.main) / count,
    otherThreads: Math.max(0, after.others - before.others) / count,
    sink: (after.sink - before.sink) / count,
  };
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/**
 * The naive way compiles a whole MJML document per recipient: inline the partials so it can. The head
 * partial (a whole document, included inside mj-head) goes in without its wrappers.
 */
function inlinePartials(source: string): string {
  return source.replace(/<mj-include path="\.\/partials\/([^"]+)" \/>/g, (_m, file: string) =>
    readFileSync(path.join(TEMPLATES_DIR, "partials", file), "utf8").replace(/<!--[\s\S]*?-->|<\/?mjml>|<\/?mj-head>/g, ""),
  );
}
