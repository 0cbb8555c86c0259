// npm run bench -- feeds [--duration 5] [--connections 32] [--items 50]
// wrk on loopback against Dispatch's lean feed path — a cached category feed (200), its 304, and a
// cache-miss render — each beside nginx serving the same bytes as a static file, in the same run.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import pino from "pino";
import { loadConfig } from "#src/config.js";
import { startDispatch, type Dispatch } from "#src/main.js";
import { args, printResult, progress } from "../lib/cli.js";

const options = args({
  duration: { type: "string", default: "5" },
  connections: { type: "string", default: "32" },
  items: { type: "string", default: "50" },
});
const DURATION = Math.min(60, Math.max(1, Number(options.duration)));
const CONNECTIONS = Math.min(512, Math.max(1, Number(options.connections)));
const ITEMS = Math.min(500, Math.max(1, Number(options.items)));
const ADMIN_KEY = "bench-admin-key-0123456789abcdef";
/** wrk runs in main(), warm-ups included: the progress line counts them. */
const WRK_RUNS = 11;
const runs = progress("wrk runs", WRK_RUNS);
let runsDone = 0;

interface WrkResult {
  rps: number;
  p99ms: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "dispatch-bench-"));
  chmodSync(dir, 0o755);
  const started: Array<{ close(): Promise<void> }> = [];
  let nginx: ChildProcess | undefined;
  try {
    const cached = await startApp(dir, "2000");
    started.push(cached);
    await seed(cached);
    const miss = await startApp(dir, "0");
    started.push(miss);
    const feedPath = "/feeds/bench.rss";
    const feed = await get(`${cached.url}${feedPath}`);
    const www = path.join(dir, "www");
    mkdirSync(path.join(www, "feeds"), { recursive: true });
    writeFileSync(path.join(www, feedPath), feed.body);
    chmodSync(www, 0o755);
    const port = await freePort();
    nginx = await startNginx(dir, www, port);
    const nginxUrl = `http://127.0.0.1:${port}${feedPath}`;
    const nginxEtag = (await get(nginxUrl)).headers.etag!;
    console.log(`feed: ${feedPath}, ${(feed.body.length / 1024).toFixed(0)} KB, ${ITEMS} items; wrk -t1 -c${CONNECTIONS} -d${DURATION}s on loopback`);
    // Warm up (JIT, first compressions) so the runs measure the steady state, as nginx's does.
    await wrk(`${cached.url}${feedPath}`, {}, 2);
    await wrk(`${cached.url}${feedPath}`, { "If-None-Match": feed.headers.etag! }, 2);
    const rows: Array<[string, WrkResult, WrkResult]> = [];
    rows.push(["cached 200", await wrk(`${cached.url}${feedPath}`), await wrk(nginxUrl)]);
    rows.push(["304", await wrk(`${cached.url}${feedPath}`, { "If-None-Match": feed.headers.etag! }), await wrk(nginxUrl, { "If-None-Match": nginxEtag })]);
    rows.push(["cache-miss render", await wrk(`${miss.url}${feedPath}`), rows[0]![2]]);
    // The floor of node:http itself: a server answering every request with the same bytes (200) or a fixed 304.
    const floor = await startBareNode(await freePort(), feed.body);
    started.push(floor);
    rows.push(["bare node:http 200", await wrk(floor.url), rows[0]![2]]);
    rows.push(["bare node:http 304", await wrk(floor.url, { "If-None-Match": '"x"' }), rows[1]![2]]);
    // What the lean path avoids: express 5 serving the same cached bytes with a precomputed ETag.
    const viaExpress = await startExpress(await freePort(), feed.body, feed.headers.etag!);
    started.push(viaExpress);
    rows.push(["express 5 200", await wrk(viaExpress.url), rows[0]![2]]);
    rows.push(["express 5 304", await wrk(viaExpress.url, { "If-None-Match": feed.headers.etag! }), rows[1]![2]]);
    const seconds = runs.done();
    print(rows);
    console.log(`bench feeds: ${rows.length} cases, ${WRK_RUNS} wrk runs of ${DURATION} s in ${seconds.toFixed(0)} s`);
    printResult("feeds", {
      connections: CONNECTIONS,
      seconds: DURATION,
      cases: Object.fromEntries(
        rows.map(([name, ours, base]) => [name, { rps: ours.rps, p99ms: ours.p99ms, nginxRps: base.rps, nginxP99ms: base.p99ms, ratio: ours.rps / base.rps }]),
      ),
    });
  } finally {
    nginx?.kill("SIGTERM");
    for (const s of started.reverse()) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startApp(dir: string, cacheEntries: string): Promise<Dispatch & { url: string }> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dir,
    ADMIN_API_KEY: ADMIN_KEY,
    SEED_DEMO: "never",
    FEED_PAGE_SIZE: String(ITEMS),
    FEED_CACHE_ENTRIES: cacheEntries,
    LOG_LEVEL: "silent",
  });
  const dispatch = await startDispatch(config, pino({ level: "silent" }));
  return { ...dispatch, url: dispatch.url!.replace("localhost", "127.0.0.1") };
}

/** One category of ITEMS articles with ~2.5 KB summaries: a feed of about 150 KB at 50 items. */
async function seed(app: Dispatch & { url: string }): Promise<void> {
  const post = (p: string, body: unknown) =>
    fetch(`${app.url}${p}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  await post("/api/categories", { slug: "bench", name: "Bench", description: "Benchmark feed." });
  const bar = progress("seed", ITEMS);
  const words = "Officials said the talks would continue next week as both sides weigh the terms on the table. ";
  for (let i = 0; i < ITEMS; i++) {
    const response = await post("/api/articles", {
      slug: `bench-${i}`,
      title: `Benchmark story ${i}: talks & "hopes" continue`,
      summary: words.repeat(26).slice(0, 2500),
      body: `<p>${words.repeat(20)}</p>`,
      author: `Reporter ${i % 5}`,
      category: "bench",
      tags: ["bench", `t${i % 7}`],
      image: { url: `https://img.example.com/${i}.jpg`, alt: "A picture", credit: "Reuters", type: "image/jpeg", length: 40000 + i },
      publishedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
    });
    if (!response.ok) throw new Error(`bench: seeding failed: ${response.status} ${await response.text()}`);
    bar.update(i + 1);
  }
  bar.done();
}

function get(url: string): Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve({ body: Buffer.concat(chunks), headers: res.headers })
            : reject(new Error(`bench: ${url} answered ${res.statusCode}`)),
        );
      })
      .on("error", reject);
  });
}

async function startBareNode(port: number, body: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const headers = ["Cache-Control", "public, max-age=300", "Vary", "Accept-Encoding", "ETag", '"x"'];
  const full = [...headers, "Content-Type", "application/rss+xml; charset=utf-8", "Content-Length", String(body.length)];
  const server = http.createServer((req, res) => {
    if (req.headers["if-none-match"] === '"x"') res.writeHead(304, headers).end();
    else res.writeHead(200, full).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/feeds/bench.rss`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startExpress(port: number, body: Buffer, etag: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.set("etag", false);
  app.get("/feeds/bench.rss", (req, res) => {
    res.set({ "Cache-Control": "public, max-age=300", ETag: etag, "Content-Type": "application/rss+xml; charset=utf-8" });
    if (req.headers["if-none-match"] === etag) res.status(304).end();
    else res.send(body);
  });
  const server = app.listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${port}/feeds/bench.rss`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNginx(dir: string, www: string, port: number): Promise<ChildProcess> {
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { application/rss+xml rss; }
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location / { add_header Cache-Control "public, max-age=300"; }
  }
}
`,
  );
  const child = spawn("nginx", ["-c", conf, "-p", dir, "-e", `${dir}/nginx-error.log`], { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 100; i++) {
    try {
      await get(`http://127.0.0.1:${port}/feeds/bench.rss`);
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill("SIGTERM");
  throw new Error("bench: nginx did not start");
}

function wrk(url: string, headers: Record<string, string> = {}, seconds = DURATION): Promise<WrkResult> {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  return new Promise((resolve, reject) => {
    execFile("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", ...headerArgs, url], { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      if (error) return reject(new Error(`bench: wrk failed: ${error.message}`));
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const scale = { us: 0.001, ms: 1, s: 1000 } as const;
      runs.update(++runsDone);
      resolve({ rps, p99ms: p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : NaN, non2xx });
    });
  });
}

function print(rows: Array<[string, WrkResult, WrkResult]>): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad("case", 20)}${pad("dispatch req/s", 16)}${pad("p99", 10)}${pad("nginx req/s", 14)}${pad("nginx p99", 12)}${pad("ratio", 8)}p99 ratio`);
  for (const [name, ours, base] of rows) {
    console.log(
      `${pad(name, 20)}${pad(ours.rps.toFixed(0), 16)}${pad(`${ours.p99ms.toFixed(2)} ms`, 10)}${pad(base.rps.toFixed(0), 14)}${pad(`${base.p99ms.toFixed(2)} ms`, 12)}` +
        `${pad(`${(ours.rps / base.rps).toFixed(2)} x`, 8)}${(ours.p99ms / base.p99ms).toFixed(2)} x${ours.non2xx ? `  (${ours.non2xx} errors)` : ""}`,
    );
  }
}

await main();
