// The render pool renders digests in worker threads exactly as the main thread would, survives a
// thread that dies, and ends its threads on close.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmailTemplates, type CompiledEmail } from "#src/mail/render.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { generateKeyPairSync } from "node:crypto";
import { simpleParser } from "mailparser";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { contentOf, prepareJob, renderJob, type ContentSource, type RenderJob, type RenderRequest } from "#src/digest/render-batch.js";
import { createRenderPool, RenderError, type RenderPool } from "#src/digest/render-pool.js";
import type { PreparedMail } from "#src/mail/compose.js";
import { candidateRow } from "#test/support/digest.js";

const NOW = "2026-11-25T12:00:00.000Z";
const CRASHING = new URL("../fixtures/render/crashing-worker.mjs", import.meta.url);
/** A thread that answers its batches only once it holds two: it never answers one posted alone. */
const PAIRING = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from "node:worker_threads";
    const held = [];
    parentPort.on("message", (m) => {
      if (m.kind !== "task" || held.push(m) < 2) return;
      for (const t of held.splice(0)) parentPort.postMessage({ id: t.id, ok: true, result: [] });
    });`)}`,
);

const content: ContentSource = {
  rows: Array.from({ length: 30 }, (_, i) => candidateRow(i + 1, new Date(NOW))),
  categoryNames: [
    ["world", "World"],
    ["us-news", "US News"],
  ],
  now: NOW,
  baseUrl: "https://news.example.com",
};

/** The batch's messages, every job composed. */
function composed(answers: Array<PreparedMail | Error>): PreparedMail[] {
  return answers.map((a) => {
    if (a instanceof Error) throw a;
    return a;
  });
}

const jobs: RenderJob[] = [
  [1, 2, 3],
  [4, 9, 16, 25],
  [30],
  [7, 8, 999], // an article that no longer exists is left out, on both sides
].map((articleIds, i) => ({
  articleIds,
  frequency: i % 2 ? "weekly" : "daily",
  timezone: ["UTC", "Asia/Tokyo", "America/Chicago", "Europe/Paris"][i]!,
  links: {
    viewUrl: `https://news.example.com/digest/view?edition=1&token=v${i}`,
    preferencesUrl: `https://news.example.com/preferences?token=p${i}`,
    unsubscribeUrl: `https://news.example.com/unsubscribe?token=u${i}`,
  },
  message: {
    to: `reader${i}@example.com`,
    messageId: `<edition-1.subscriber-${i}@news.example.com>`,
    headers: { "List-Unsubscribe": `<https://news.example.com/unsubscribe?token=u${i}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  },
}));

describe("the digest render pool", () => {
  let template: CompiledEmail;
  let request: RenderRequest;
  let dir: string;
  const pools: RenderPool[] = [];
  const pool = (options: Parameters<typeof createRenderPool>[0]) => {
    const p = createRenderPool(options);
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    template = await createEmailTemplates(TEMPLATES_DIR).get("digest");
    request = {
      content,
      template: template.source!,
      options: { publisher: { name: "Dispatch News", address: "1 Press Street" }, relatedCount: 3 },
      now: NOW,
      jobs,
    };
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-render-pool-"));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const onMainThread = () => {
    const built = contentOf(content);
    return jobs.map((job) => renderJob(template, built, job, request.options, new Date(NOW)));
  };

  it("renders the same subject, HTML and text as the main thread", async () => {
    const rendered = await pool({ threads: 1 }).render(request);
    expect(rendered).toEqual(onMainThread());
    expect(rendered[0]!.subject).toBe("Daily digest: Story 1 about the budget");
    expect(rendered[0]!.html).toContain("“quoted” &amp; &lt;b&gt;escaped&lt;/b&gt;");
    expect(rendered[3]!.html).not.toContain("story-999");
  });

  it("composes the same messages as the main thread", async () => {
    const identity = { from: "Dispatch News <digest@news.example.com>" };
    const prepared = composed(await pool({ threads: 1 }).prepare({ ...request, identity }));
    const built = contentOf(content);
    const here = await Promise.all(jobs.map((job) => prepareJob(template, built, job, request.options, identity, new Date(NOW))));
    // Boundaries and Date differ between two compositions; what a reader sees must not.
    const seen = async (raw: Uint8Array) => {
      const m = await simpleParser(Buffer.from(raw));
      return { to: m.to, from: m.from, subject: m.subject, messageId: m.messageId, html: m.html, text: m.text, list: m.headers.get("list") };
    };
    expect(prepared.map((p) => [p.to, p.messageId])).toEqual(jobs.map((j) => [j.message.to, j.message.messageId]));
    for (let i = 0; i < jobs.length; i++) expect(await seen(prepared[i]!.raw)).toEqual(await seen(here[i]!.raw));
    const first = await simpleParser(Buffer.from(prepared[0]!.raw));
    expect(first.subject).toBe("Daily digest: Story 1 about the budget");
    expect(first.html).toContain("“quoted” &amp; &lt;b&gt;escaped&lt;/b&gt;");
    expect(first.headerLines.find((h) => h.key === "list-unsubscribe")?.line).toBe("List-Unsubscribe: <https://news.example.com/unsubscribe?token=u0>");
  });

  it("signs the messages it composes with the mailer's DKIM key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const dkim = { domainName: "news.example.com", keySelector: "mail", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    const prepared = composed(await pool({ threads: 1 }).prepare({ ...request, identity: { from: "Dispatch News <digest@news.example.com>", dkim } }));
    const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;
    const resolver = async (name: string) => (name === "mail._domainkey.news.example.com" ? [[record]] : []);
    for (const p of prepared) {
      const { results } = await dkimVerify(Buffer.from(p.raw), { resolver });
      expect(results.map((r) => r.status.result)).toEqual(["pass"]);
    }
  });

  it("answers a job it cannot compose with its own error, and composes the rest of the batch", async () => {
    const identity = { from: "Dispatch News <digest@news.example.com>" };
    const poisoned = jobs.map((job, i) => (i === 1 ? { ...job, message: { ...job.message, to: "reader1@example.com\r\nBcc: x@example.com" } } : job));
    const answers = await pool({ threads: 1 }).prepare({ ...request, jobs: poisoned, identity });
    expect(answers.map((a) => (a instanceof Error ? a.message : a.to))).toEqual([
      "reader0@example.com",
      "digest: could not compose: mail: the recipient address is empty or holds a control character",
      "reader2@example.com",
      "reader3@example.com",
    ]);
  });

  it("renders batches in parallel threads, each in order", async () => {
    const p = pool({ threads: 2 });
    const results = await Promise.all(jobs.map((job) => p.render({ ...request, jobs: [job, job] })));
    const expected = onMainThread();
    results.forEach((r, i) => expect(r).toEqual([expected[i], expected[i]]));
    expect(p.threads).toBe(2);
  });

  it("sends new content and a new template to a thread that rendered with the old ones", async () => {
    const p = pool({ threads: 1 });
    await p.render(request);
    const renamed: ContentSource = {
      ...content,
      categoryNames: [
        ["world", "Planet Earth"],
        ["us-news", "Home"],
      ],
    };
    const [digest] = await p.render({ ...request, content: renamed, template: { html: "<h1>{{sections.0.category}}</h1>", text: "{{subject}}" } });
    expect(digest).toEqual({
      subject: "Daily digest: Story 1 about the budget",
      html: "<h1>Planet Earth</h1>",
      text: "Daily digest: Story 1 about the budget",
    });
  });

  it("replaces a thread that dies and renders its batches again, the one running and the one waiting", async () => {
    const p = pool({ threads: 1, workerUrl: CRASHING, workerData: { marker: path.join(dir, "crashed-once") } });
    expect(await Promise.all([p.render(request), p.render(request)])).toEqual([onMainThread(), onMainThread()]);
    expect(p.threads).toBe(1);
  });

  it("posts a thread its next batch before it answers the one it renders", async () => {
    const p = pool({ threads: 1, workerUrl: PAIRING, timeoutMs: 10_000 });
    expect(await Promise.all([p.render(request), p.render(request)])).toEqual([[], []]);
    expect(p.threads).toBe(1);
  });

  it("fails a batch back when its replacement thread dies too", async () => {
    const p = pool({ threads: 1, workerUrl: CRASHING, workerData: { always: true } });
    await expect(p.render(request)).rejects.toThrow(RenderError);
    await expect(p.render(request)).rejects.toThrow(/render thread failed twice on a batch: render thread exited with code 3/);
    expect(p.threads).toBe(0);
  });

  it("answers a batch it cannot render with an error, not a dead thread", async () => {
    const p = pool({ threads: 1 });
    await expect(p.render({ ...request, template: { html: "{{#each}}", text: "" } })).rejects.toThrow(/digest: could not render: /);
    expect(await p.render(request)).toEqual(onMainThread());
  });

  it("ends its threads on close and renders no more", async () => {
    const p = pool({ threads: 2 });
    await Promise.all([p.render(request), p.render(request)]);
    expect(p.threads).toBe(2);
    await p.close();
    expect(p.threads).toBe(0);
    await expect(p.render(request)).rejects.toThrow(/closed/);
  });
});
