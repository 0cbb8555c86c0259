// npm run bench -- smtp [--messages 20000] [--size 40000] [--pool 5] [--only ours|nodemailer|source]
// The sending side alone: pre-composed messages of the same size to postfix's smtp-sink in another
// process, from Dispatch's mailer, from nodemailer's pool (the reference it replaced), and from postfix's
// smtp-source, in one run. Wall time is noisy on a shared machine: CPU time per message is printed too.
import { tmpdir } from "node:os";
import nodemailer from "nodemailer";
import pLimit from "p-limit";
import { createMailer, type PreparedMail } from "#src/mail/transport.js";
import { composeMail } from "#src/mail/compose.js";
import { freePort } from "#test/support/processes.js";
import { args, printResult, progress } from "../lib/cli.js";
import { requirePostfix, runSmtpSource, startSink } from "./_postfix.js";

const options = args({
  messages: { type: "string", default: "20000" },
  size: { type: "string", default: "40000" },
  pool: { type: "string", default: "5" },
  only: { type: "string", default: "" },
});
const N = Number(options.messages);
const SIZE = Number(options.size);
const POOL = Number(options.pool);
const run = (part: string) => options.only === "" || options.only === part;
requirePostfix("smtp");
const port = await freePort();
const sink = startSink(port);
const url = `smtp://127.0.0.1:${port}`;
const from = "Dispatch <digest@bench.example>";

// A digest-like message: an HTML part of about SIZE bytes, with some lines that start with a dot.
const html = Array.from({ length: Math.ceil(SIZE / 80) }, (_, i) =>
  i % 50 === 0 ? ".line starting with a dot" : `<p>Story ${i} — some text for the digest body</p>`,
)
  .join("\n")
  .slice(0, SIZE);
const ring: PreparedMail[] = await Promise.all(
  Array.from({ length: 100 }, (_, i) => composeMail({ from }, { to: `reader${i}@bench.example`, subject: `Digest ${i}`, html, text: "Plain text part\n.dot" })),
);
const bytes = ring[0]!.raw.byteLength;

async function timed(name: string, send: (i: number) => Promise<unknown>, close: () => Promise<void>) {
  const limit = pLimit(POOL);
  const bar = progress(name, N);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  await Promise.all(Array.from({ length: N }, (_, i) => limit(async () => (await send(i), bar.update(++sent)))));
  const seconds = (performance.now() - started) / 1000;
  await close();
  const used = process.cpuUsage(cpu);
  bar.done();
  return { perSecond: N / seconds, seconds, cpuMicrosPerMessage: (used.user + used.system) / N };
}

const results: Record<string, { perSecond: number; seconds: number; cpuMicrosPerMessage?: number } | null> = {};
try {
  if (run("ours")) {
    const mailer = createMailer({ smtpUrl: url, dataDir: tmpdir(), from, maxConnections: POOL });
    results.ours = await timed(
      "Dispatch mailer",
      (i) => mailer.sendPrepared(ring[i % ring.length]!),
      () => mailer.close(),
    );
  }
  if (run("nodemailer")) {
    const pool = nodemailer.createTransport({ pool: true, url, maxConnections: POOL, maxMessages: 1000, maxRequeues: 0 } as Parameters<
      typeof nodemailer.createTransport
    >[0]);
    results.nodemailer = await timed(
      "nodemailer pool",
      (i) => pool.sendMail({ envelope: { from: "digest@bench.example", to: [ring[i % ring.length]!.to] }, raw: Buffer.from(ring[i % ring.length]!.raw) }),
      async () => pool.close(),
    );
  }
  if (run("source")) {
    const source = runSmtpSource({ port, count: N, size: bytes, sessions: POOL });
    results.source = source ? { perSecond: N / source.seconds, ...source } : null;
  }
} finally {
  sink.kill();
}
console.log(`\nsmtp bench: ${N} pre-composed messages of ${bytes} bytes, ${POOL} connections, to postfix's smtp-sink`);
const row = (name: string, r: (typeof results)[string] | undefined) => {
  if (r === undefined) return;
  if (r === null) return console.log(`${name.padEnd(32)} failed`);
  const cpu = r.cpuMicrosPerMessage === undefined ? "" : `, ${r.cpuMicrosPerMessage.toFixed(0)} µs CPU a message in the sender`;
  console.log(`${name.padEnd(32)} ${r.perSecond.toFixed(0).padStart(7)} msg/s  (${r.seconds.toFixed(1)} s${cpu})`);
};
row("Dispatch mailer", results.ours);
row("nodemailer pool", results.nodemailer);
row("postfix smtp-source → smtp-sink", results.source);
printResult("smtp", { messages: N, bytes, pool: POOL, ...results });
