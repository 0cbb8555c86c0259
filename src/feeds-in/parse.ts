// The parse step, off the main thread: a small pool of worker threads running rss-parser (XML) or
// JSON.parse (JSON Feed), each with a memory ceiling and a time limit, so a hostile feed can stall or
// kill a worker but never the process. A JSON Feed is then read into the same shape as XML feeds.
import { Worker } from "node:worker_threads";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import type { RawFeed } from "#src/feeds-in/raw.js";
import { jsonFeedToRaw } from "#src/feeds-in/json-feed.js";

export interface ParseOptions {
  workers: number;
  timeoutMs: number;
  maxMemoryMb: number;
}

export interface ParseResult {
  feed: RawFeed;
  /** Set when the feed was malformed and a forgiving pass recovered items: what was wrong. */
  recovered: string | null;
}

type Reply =
  | { id: number; ok: true; feed: RawFeed; recovered: string | null }
  | { id: number; ok: true; json: unknown; recovered: null }
  | { id: number; ok: false; error: string };

interface Job {
  id: number;
  text: string;
  contentType: string | null;
  resolve(result: ParseResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

const WORKER_URL = new URL("./parse-worker.mjs", import.meta.url);

export type ParsePool = ReturnType<typeof createParsePool>;

export function createParsePool(options: ParseOptions) {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 0;
  let closed = false;

  const finish = (slot: Slot) => {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    dispatch();
  };

  const replace = (slot: Slot, error: Error) => {
    const job = slot.job;
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    job?.reject(error);
    dispatch();
  };

  const spawn = (): Slot => {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb } });
    worker.unref();
    const slot: Slot = { worker, job: undefined, timer: undefined };
    worker.on("message", (reply: Reply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      finish(slot);
      if (!reply.ok) job.reject(new PartnerPullError("parse", reply.error));
      else if ("json" in reply) settle(job, () => ({ feed: jsonFeedToRaw(reply.json), recovered: null }));
      else job.resolve({ feed: reply.feed, recovered: reply.recovered });
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const reason = error.code === "ERR_WORKER_OUT_OF_MEMORY" ? `feed too large to parse (over ${options.maxMemoryMb} MB of memory)` : error.message;
      replace(slot, new PartnerPullError("parse", reason, { cause: error }));
    });
    worker.on("exit", () => {
      if (slots.includes(slot)) replace(slot, new PartnerPullError("parse", "parser worker stopped"));
    });
    slots.push(slot);
    return slot;
  };

  function dispatch(): void {
    while (queue.length && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < options.workers ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => replace(slot, new PartnerPullError("parse", `took longer than ${options.timeoutMs / 1000} s: stopped`)), options.timeoutMs);
      slot.worker.postMessage({ id: job.id, text: job.text, contentType: job.contentType });
    }
  }

  return {
    /** `contentType` (the response's) tells JSON from XML when the body does not. */
    parse(text: string, contentType: string | null = null): Promise<ParseResult> {
      if (closed) return Promise.reject(new PartnerPullError("parse", "the parser pool is closed"));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, text, contentType, resolve, reject });
        dispatch();
      });
    },
    /** Settles every parse at once: queued and in-flight ones reject, none waits for its time limit. */
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new PartnerPullError("parse", "the parser pool is closed"));
      const all = slots.splice(0);
      for (const slot of all) {
        clearTimeout(slot.timer);
        slot.job?.reject(new PartnerPullError("parse", "the parser pool closed before the feed was parsed"));
        slot.job = undefined;
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

function settle(job: Job, read: () => ParseResult): void {
  try {
    job.resolve(read());
  } catch (error) {
    job.reject(error instanceof PartnerPullError ? error : new PartnerPullError("parse", (error as Error).message, { cause: error }));
  }
}
