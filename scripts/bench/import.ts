// npm run bench -- import [--rows 100000]
// A Mailchimp-style subscribed-members export imported through the same function the CSV route
// calls, on SQLite and on PostgreSQL (DATABASE_URL, default this machine's
// postgres://postgres@127.0.0.1:5432/test, in a schema of its own). Baseline in the same run:
// csv-parse reading the same file and discarding the rows. Each phase runs in a process of its
// own, so that each peak RSS is its own.
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "#src/config.js";
import { createServices } from "#src/main.js";
import { args, printResult } from "../lib/cli.js";

const options = args({ rows: { type: "string", default: "100000" }, phase: { type: "string" }, file: { type: "string" } });
const ROWS = Number(options.rows);
const DATABASE = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const HEADER =
  '"Email Address","First Name","Last Name","MEMBER_RATING","OPTIN_TIME","OPTIN_IP","CONFIRM_TIME","CONFIRM_IP","LATITUDE","LONGITUDE",' +
  '"GMTOFF","DSTOFF","TIMEZONE","CC","REGION","LAST_CHANGED","LEID","EUID","NOTES","TAGS"';
const ZONES = ["America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata", ""];
const TAGS = ['"""World"""', '"""US News"",""World"""', "us-military", '"""Science"""'];
const CATEGORIES = [
  { slug: "world", name: "World", description: "Around the globe." },
  { slug: "us-news", name: "US News", description: "Across the country." },
  { slug: "us-military", name: "US Military", description: "Defense." },
  { slug: "science", name: "Science", description: "Discoveries." },
];

interface Phase {
  seconds: number;
  rows: number;
  peakRssMb: number;
  counts?: Record<string, number>;
}

if (options.phase) {
  const figures = await runPhase(options.phase, options.file!);
  console.log(JSON.stringify({ ...figures, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const dir = mkdtempSync(path.join(tmpdir(), "dispatch-bench-import-"));
  try {
    const file = path.join(dir, "subscribed_members_export.csv");
    await writeExport(file, ROWS);
    const baseline = await child("parse", file);
    const sqlite = await child("sqlite", file);
    const postgres = await child("postgres", file);
    console.log(`\nimport bench: ${ROWS} Mailchimp-style rows, ${cpus().length} cores`);
    for (const [name, p] of Object.entries({ "csv-parse only (baseline)": baseline, SQLite: sqlite, PostgreSQL: postgres }))
      console.log(
        `${name.padEnd(26)} ${p.seconds.toFixed(1).padStart(6)} s ${(p.rows / p.seconds).toFixed(0).padStart(8)} rows/s  peak RSS ${p.peakRssMb.toFixed(0)} MB`,
      );
    const figures = (p: Phase) => ({ seconds: p.seconds, rowsPerSecond: p.rows / p.seconds, peakRssMb: p.peakRssMb, counts: p.counts });
    printResult("import", {
      rows: ROWS,
      cores: cpus().length,
      sqlite: figures(sqlite),
      postgres: figures(postgres),
      baseline: { parseOnly: figures(baseline) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** This script again, for one phase; its last line of output is the phase's figures. */
async function child(phase: string, file: string): Promise<Phase> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [...process.execArgv, script, "--phase", phase, "--file", file, "--rows", String(ROWS)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number];
  if (code !== 0) throw new Error(`bench import: the ${phase} phase exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Phase;
}

async function runPhase(phase: string, file: string): Promise<Omit<Phase, "peakRssMb">> {
  if (phase === "parse") {
    const started = performance.now();
    let rows = -1;
    for await (const record of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) if (record) rows++;
    return { seconds: (performance.now() - started) / 1000, rows };
  }
  return phase === "postgres" ? importIntoPostgres(file) : importInto({ DATA_DIR: path.dirname(file) }, file);
}

async function importIntoPostgres(file: string) {
  const schema = `bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: DATABASE });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  const url = new URL(DATABASE);
  url.searchParams.set("options", `-c search_path=${schema}`);
  try {
    return await importInto({ DATABASE_URL: url.toString(), DATA_DIR: path.dirname(file) }, file);
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

async function importInto(env: Record<string, string>, file: string) {
  const services = await createServices(loadConfig({ ...env, PARTNERS_DIR: path.dirname(file), LOG_LEVEL: "silent" }), pino({ level: "silent" }));
  try {
    const now = new Date().toISOString();
    for (const c of CATEGORIES) await services.store.categories.upsert(c, now);
    const started = performance.now();
    const report = await services.subscribers.importCsv(createReadStream(file), { dryRun: false, categories: [], consentSource: "bench" });
    const seconds = (performance.now() - started) / 1000;
    if (report.counts.created !== ROWS)
      throw new Error(`bench import: ${report.counts.created} created of ${ROWS}: ${JSON.stringify(report.errors.slice(0, 3))}`);
    return { seconds, rows: report.rows, counts: report.counts };
  } finally {
    await services.close();
  }
}

/** A subscribed-members export as Mailchimp writes it (CRLF, its header, its time format). */
async function writeExport(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\r\n`);
  for (let i = 0; i < rows; i++) {
    const time = new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace("T", " ");
    const row = [`reader${i}@bench.example`, `Reader`, `No. ${i}`, String(1 + (i % 5)), `"${time}"`, "203.0.113.7", `"${time}"`, "203.0.113.7"];
    row.push("40.7", "-74.0", "-5", "-4", ZONES[i % ZONES.length]!, "US", "NY", `"${time}"`, String(100000 + i), `e${i}`, "", TAGS[i % TAGS.length]!);
    if (!out.write(`${row.join(",")}\r\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
