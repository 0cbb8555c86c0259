// npm run bench -- metrics [--duration 5] [--connections 32]
// What counting costs on the feed hot path: wrk on loopback against a bare node:http 304 answer,
// once as is (the baseline) and once wrapped in the request counter /metrics uses for the lean feed
// path, in the same run; the same per call in process, beside prom-client's own counting and timing;
// then the cost of a scrape of GET /metrics with those series filled in.
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { args, printResult, progress } from "../lib/cli.js";
import { createMetrics } from "#src/metrics.js";
import { countFastPath } from "#src/http/metrics.js";
import type { FastPath } from "#src/http/server.js";

const options = args({ duration: { type: "string", default: "5" }, connections: { type: "string", default: "32" } });
const DURATION = Math.min(60, Math.max(1, Number(options.duration)));
const CONNECTIONS = Math.min(512, Math.max(1, Number(options.connections)));
const SCRAPES = 200;

interface WrkResult {
  rps: number;
  p99ms: number;
}

const notModified: FastPath = (_req, res) => {
  res.writeHead(304, { etag: '"x"' }).end();
  return true;
};

async function serve(fast: FastPath): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => void fast(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/all.rss`, close: () => new Promise((r) => server.close(() => r())) };
}

function wrk(url: string): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "wrk",
      ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}s`, "--latency", "-H", 'If-None-Match: "x"', url],
      { timeout: (DURATION + 30) * 1000 },
      (error, stdout) => {
        if (error) return reject(new Error(`bench: wrk failed: ${error.message}`));
        const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
        const scale = { us: 0.001, ms: 1, s: 1000 } as const;
        resolve({ rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]), p99ms: p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : NaN });
      },
    );
  });
}

const metrics = createMetrics({ deliveryStates: async () => ({ pending: 3, sent: 1000, failed: 2 }) });
const bare = await serve(notModified);
const counted = await serve(countFastPath(notModified, metrics.http));
const bar = progress("wrk runs", 4);
try {
  // Alternating order with a warm-up pair, so neither side always runs on a warmer machine.
  await wrk(bare.url);
  bar.update(1);
  await wrk(counted.url);
  bar.update(2);
  const base = await wrk(bare.url);
  bar.update(3);
  const ours = await wrk(counted.url);
  bar.update(4);
  const seconds = bar.done();

  const started = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) bytes = (await metrics.text()).length;
  const scrapeMs = Number(process.hrtime.bigint() - started) / 1e6 / SCRAPES;

  const row = (name: string, r: WrkResult) => console.log(`${name.padEnd(36)} ${r.rps.toFixed(0).padStart(8)} req/s  p99 ${r.p99ms.toFixed(2)} ms`);
  console.log(`\nmetrics bench: bare node:http 304, wrk -t1 -c${CONNECTIONS} -d${DURATION}s on loopback`);
  row("baseline: not counted", base);
  row("counted (countFastPath)", ours);
  console.log(`counted / baseline: ${((ours.rps / base.rps) * 100).toFixed(1)}% of the throughput`);
  const perCall = (f: () => void) => {
    const n = 1_000_000;
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    return Number(process.hrtime.bigint() - t) / n;
  };
  perCall(() => metrics.http.count("GET", "/feeds/*", 304));
  const countedNs = perCall(() => metrics.http.count("GET", "/feeds/*", 304));
  const timedNs = perCall(() => metrics.http.observe("GET", "/feeds/*", 304, 0.0001));
  console.log(
    `per request, in process: ${countedNs.toFixed(0)} ns counted (lean path) vs ${timedNs.toFixed(0)} ns counted and timed with prom-client (express routes)`,
  );
  console.log(`GET /metrics text: ${(bytes / 1024).toFixed(1)} KB, ${scrapeMs.toFixed(2)} ms per scrape (mean of ${SCRAPES})`);
  console.log(`bench metrics: done in ${seconds.toFixed(0)} s`);
  printResult("metrics", {
    countedRps: ours.rps,
    baselineRps: base.rps,
    countedVsBaseline: ours.rps / base.rps,
    countedNs,
    timedNs,
    scrapeMs,
    scrapeKb: bytes / 1024,
  });
} finally {
  await bare.close();
  await counted.close();
}
