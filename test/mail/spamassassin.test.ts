// The confirmation email and a digest, as the app sends them to a real SMTP server, scored by
// SpamAssassin's local tests (`spamassassin -t -L`: no network, no DNS lists): a clean message scores
// nearly nothing, so every one must stay at or under 0.5.
import { spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type ReceivedMail, type TestSmtp } from "#test/support/smtp.js";
import { useTestApp } from "#test/support/app.js";
import { demoInbox, type DemoInbox } from "#test/mail/demo-inbox.js";

const MAX_SCORE = 0.5;
// A system package (apt-get install spamassassin), not an npm one.
const SPAMASSASSIN = "spamassassin";
const installed = spawnSync("sh", ["-c", `command -v ${SPAMASSASSIN}`]).status === 0;
if (!installed) console.warn("spamassassin is not installed (apt-get install spamassassin): the spam score checks are skipped");

/** SpamAssassin's score and the tests that hit, for one raw message. */
async function spamScore(raw: string): Promise<{ score: number; tests: string }> {
  const child = spawn(SPAMASSASSIN, ["-t", "-L"], { stdio: ["pipe", "pipe", "ignore"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  const exited = new Promise<void>((resolve, reject) => child.on("error", reject).on("close", () => resolve()));
  child.stdin.end(raw);
  await exited;
  const headers = Buffer.concat(chunks)
    .toString("utf8")
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, " ");
  const status = /^X-Spam-Status: \w+, score=(-?[\d.]+) required=[\d.]+ tests=(.*?)\s*(?:autolearn=|version=|$)/im.exec(headers);
  if (!status) throw new Error(`spamassassin gave no X-Spam-Status header:\n${headers}`);
  return { score: Number(status[1]), tests: status[2]!.replace(/\s+/g, "") };
}

describe.skipIf(!installed)("emails scored by SpamAssassin", () => {
  let smtp: TestSmtp;
  let inbox: DemoInbox;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp?.close());
  const app = useTestApp("sqlite", () => ({ SMTP_URL: smtp.url, SEED_DEMO: "auto", BASE_URL: "https://news.example.com" }));
  beforeAll(async () => {
    inbox = await demoInbox(app, smtp, "spam.check@example.com");
  });

  it.each<[string, (inbox: DemoInbox) => ReceivedMail]>([
    ["the confirmation email", (i) => i.confirmation],
    ["a digest", (i) => i.digest],
  ])(`scores %s at or under ${MAX_SCORE}`, async (_name, pick) => {
    const { score, tests } = await spamScore(pick(inbox).raw);
    expect({ score: score <= MAX_SCORE ? "ok" : score, tests }).toEqual({ score: "ok", tests: expect.any(String) });
  });
});
