// The worker-thread pool and its two users (digest rendering, partner feed parsing): a thread that
// dies or hangs fails its task with a clear error and is replaced; closing settles every task at once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createThreadPool, ThreadPoolError, type ThreadPoolOptions } from "#src/thread-pool.js";
import { createRenderPool, RenderError } from "#src/digest/render-pool.js";
import type { RenderRequest } from "#src/digest/render-batch.js";
import { createParsePool } from "#src/feeds-in/parse.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";

const TASK_WORKER = new URL("./fixtures/threads/task-worker.mjs", import.meta.url);
const CRASHING_RENDER = new URL("./fixtures/render/crashing-worker.mjs", import.meta.url);
const dir = mkdtempSync(path.join(tmpdir(), "dispatch-thread-pool-"));
const closers: Array<() => Promise<void>> = [];
const track = <P extends { close(): Promise<void> }>(pool: P): P => (closers.push(() => pool.close()), pool);
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Settles both promises, closing the pool once the first task is in its thread; how long close took. */
async function closeWithTwoTasks(first: Promise<unknown>, second: Promise<unknown>, close: () => Promise<void>) {
  const settled = Promise.allSettled([first, second]);
  await new Promise((r) => setTimeout(r, 50)); // the first is posted to its thread by now
  const started = Date.now();
  await close();
  const results = await settled;
  return { results, ms: Date.now() - started };
}

describe("the thread pool", () => {
  const pool = (options: Partial<ThreadPoolOptions> = {}) =>
    track(createThreadPool<string, unknown>({ url: TASK_WORKER, threads: 1, timeoutMs: 5000, ...options }));

  it("runs tasks on its threads and answers each with its result", async () => {
    const p = pool({ threads: 2 });
    const results = await Promise.all(["a", "b", "c"].map((task) => p.run(task)));
    expect(results.map((r) => String(r).split(" ")[0])).toEqual(["a", "b", "c"]);
    expect(p.threads).toBe(2);
  });

  it.each([
    ["exits", "exit", "the thread exited with code 3"],
    ["throws", "throw", "the thread failed: the thread broke"],
  ])("fails the task of a thread that %s, and replaces the thread", async (_label, task, message) => {
    const p = pool();
    await expect(p.run(task)).rejects.toThrow(ThreadPoolError);
    await expect(p.run(task)).rejects.toThrow(message);
    expect(await p.run("next")).toMatch(/^next done/);
    expect(p.threads).toBe(1);
  });

  it("fails the task of a thread that runs out of memory, and replaces the thread", async () => {
    const p = pool({ maxMemoryMb: 16, timeoutMs: 30_000 });
    await expect(p.run("leak")).rejects.toThrow("the thread ran out of memory");
    expect(await p.run("next")).toMatch(/^next done/);
  });

  it("tries a task again on a fresh thread when retries allow", async () => {
    const p = pool({ retries: 1, workerData: { marker: path.join(dir, "exited-once") } });
    expect(await p.run("exit-once")).toMatch(/^exit-once done/);
    await expect(p.run("exit")).rejects.toThrow("the thread exited with code 3");
  });

  it("stops a thread that takes longer than the time limit and fails its task", async () => {
    // Long enough for a fresh thread to start on a busy machine: the limit counts from the post.
    const p = pool({ timeoutMs: 3000 });
    await expect(p.run("hang")).rejects.toThrow("took longer than 3 s: its thread was stopped");
    expect(await p.run("next")).toMatch(/^next done/);
  });

  it("passes on a thread's own failure without replacing the thread", async () => {
    const p = pool();
    const first = String(await p.run("first"));
    await expect(p.run("fail")).rejects.toThrow("cannot do that");
    expect(await p.run("second")).toBe(first.replace("first", "second"));
  });

  it("sends what a task needs the thread to hold, and a fresh thread gets it again", async () => {
    const p = pool({ timeoutMs: 3000 });
    const before = (thread: { post(m: unknown): void; held: Map<string, unknown> }) => {
      if (thread.held.get("value") === "v1") return;
      thread.post({ kind: "hold", value: "v1" });
      thread.held.set("value", "v1");
    };
    expect(await p.run("held", before)).toEqual(["v1"]);
    expect(await p.run("held", before)).toEqual(["v1"]);
    await expect(p.run("hang")).rejects.toThrow(/took longer/);
    expect(await p.run("held", before)).toEqual(["v1"]);
  });

  it("settles in-flight and queued tasks at once on close, and runs no more", async () => {
    const p = pool({ timeoutMs: 20_000 });
    const { results, ms } = await closeWithTwoTasks(p.run("hang"), p.run("queued"), () => p.close());
    expect(ms).toBeLessThan(2000);
    expect(results).toMatchObject([
      { status: "rejected", reason: { message: "the pool closed before the task finished" } },
      { status: "rejected", reason: { message: "the pool is closed" } },
    ]);
    await expect(p.run("late")).rejects.toThrow("the pool is closed");
    expect(p.threads).toBe(0);
  });
});

describe("its users", () => {
  const NOW = new Date().toISOString();
  const request: RenderRequest = {
    content: { rows: [], categoryNames: [], now: NOW, baseUrl: "https://news.example.com" },
    template: { html: "<h1>{{subject}}</h1>", text: "{{subject}}" },
    options: { publisher: { name: "Dispatch News", address: "1 Press Street" }, relatedCount: 3 },
    now: NOW,
    jobs: [],
  };
  const bigFeed = `<rss version="2.0"><channel>${"<item><title>x</title><description>y</description></item>".repeat(60_000)}</channel></rss>`;

  describe("the digest render pool", () => {
    it("fails a batch back with a RenderError when its threads keep dying", async () => {
      const p = track(createRenderPool({ threads: 1, workerUrl: CRASHING_RENDER, workerData: { always: true } }));
      await expect(p.render(request)).rejects.toThrow(RenderError);
      await expect(p.render(request)).rejects.toThrow("digest: render thread failed twice on a batch: render thread exited with code 3");
    });

    it("fails a batch back when it takes longer than the time limit on two threads", async () => {
      const p = track(createRenderPool({ threads: 1, timeoutMs: 1 }));
      await expect(p.render(request)).rejects.toThrow("digest: render thread failed twice on a batch: took longer than 0.001 s");
    });

    it("settles in-flight and queued batches at once on close", async () => {
      const p = createRenderPool({ threads: 1, timeoutMs: 20_000 });
      const { results, ms } = await closeWithTwoTasks(p.render(request), p.render(request), () => p.close());
      expect(ms).toBeLessThan(2000);
      expect(results).toMatchObject([
        { status: "rejected", reason: { message: "digest: the render pool is closed" } },
        { status: "rejected", reason: { message: "digest: the render pool is closed" } },
      ]);
      await expect(p.render(request)).rejects.toThrow("digest: the render pool is closed");
    });
  });

  describe("the partner parse pool", () => {
    it("fails a parse whose worker runs out of memory with a PartnerPullError", async () => {
      const p = track(createParsePool({ workers: 1, timeoutMs: 60_000, maxMemoryMb: 16 }));
      const item = "<item><title>xxxxxxxxxxxxxxxxxxxx</title><description>yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy</description></item>";
      const parse = p.parse(`<rss version="2.0"><channel>${item.repeat(100_000)}</channel></rss>`);
      await expect(parse).rejects.toThrow(PartnerPullError);
      await expect(parse).rejects.toThrow("parse: feed too large to parse (over 16 MB of memory)");
      expect((await p.parse('<rss version="2.0"><channel><item><title>t</title></item></channel></rss>')).feed.items).toHaveLength(1);
    });

    it("stops a parse that takes longer than the time limit", async () => {
      const p = track(createParsePool({ workers: 1, timeoutMs: 1, maxMemoryMb: 64 }));
      await expect(p.parse(bigFeed)).rejects.toThrow("parse: took longer than 0.001 s: stopped");
    });

    it("rejects in-flight and queued parses promptly with a clear error, not at their time limit", async () => {
      const p = createParsePool({ workers: 1, timeoutMs: 20_000, maxMemoryMb: 256 });
      const { results, ms } = await closeWithTwoTasks(p.parse(bigFeed), p.parse(bigFeed), () => p.close());
      expect(ms).toBeLessThan(2000);
      expect(results).toMatchObject([
        { status: "rejected", reason: { message: "parse: the parser pool closed before the feed was parsed" } },
        { status: "rejected", reason: { message: "parse: the parser pool is closed" } },
      ]);
      await expect(p.parse("<rss/>")).rejects.toThrow("parse: the parser pool is closed");
    });
  });
});
