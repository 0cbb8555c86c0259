// The parse step, off the main thread: a small pool of worker threads (see thread-pool.ts) running
// rss-parser (XML) or JSON.parse (JSON Feed), each with a memory ceiling and a time limit, so a hostile
// feed can stall or kill a worker but never the process. A JSON Feed is then read into the same shape
// as XML feeds. A pull asks for more (`read`): the worker also normalizes, sanitizes and hashes the
// items (read.ts), so the main thread only saves them.
import { createThreadPool, type TaskFailure } from "#src/thread-pool.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import type { RawFeed } from "#src/feeds-in/raw.js";
import { jsonFeedToRaw } from "#src/feeds-in/json-feed.js";
import type { ReadContext, ReadFeed } from "#src/feeds-in/read.js";

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

/** What parse-worker.mjs is given and answers. */
interface ParseTask {
  text: string;
  contentType: string | null;
  read?: ReadContext;
}
type Parsed = { feed: RawFeed; recovered: string | null } | { json: unknown; recovered: null } | ReadFeed;

const WORKER_URL = new URL("./parse-worker.mjs", import.meta.url);

export type ParsePool = ReturnType<typeof createParsePool>;

function parseError(failure: TaskFailure, maxMemoryMb: number): PartnerPullError {
  switch (failure.kind) {
    case "failed":
      return new PartnerPullError("parse", failure.message);
    case "error": {
      const { error } = failure;
      const reason = error.code === "ERR_WORKER_OUT_OF_MEMORY" ? `feed too large to parse (over ${maxMemoryMb} MB of memory)` : error.message;
      return new PartnerPullError("parse", reason, { cause: error });
    }
    case "exit":
      return new PartnerPullError("parse", "parser worker stopped");
    case "timeout":
      return new PartnerPullError("parse", `took longer than ${failure.timeoutMs / 1000} s: stopped`);
    case "closed":
      return new PartnerPullError("parse", failure.started ? "the parser pool closed before the feed was parsed" : "the parser pool is closed");
  }
}

export function createParsePool(options: ParseOptions) {
  const pool = createThreadPool<ParseTask, Parsed>({
    url: WORKER_URL,
    threads: options.workers,
    timeoutMs: options.timeoutMs,
    maxMemoryMb: options.maxMemoryMb,
    error: (failure) => parseError(failure, options.maxMemoryMb),
  });

  return {
    /** `contentType` (the response's) tells JSON from XML when the body does not. */
    async parse(text: string, contentType: string | null = null): Promise<ParseResult> {
      const parsed = (await pool.run({ text, contentType })) as Exclude<Parsed, ReadFeed>;
      return "json" in parsed ? readJsonFeed(parsed.json) : parsed;
    },
    /** Parses and reads the document in the worker: its items normalized, sanitized and hashed, ready to save. */
    async read(text: string, contentType: string | null, context: ReadContext): Promise<ReadFeed> {
      return (await pool.run({ text, contentType, read: context })) as ReadFeed;
    },
    /** Settles every parse at once: queued and in-flight ones reject, none waits for its time limit. */
    close: () => pool.close(),
  };
}

function readJsonFeed(json: unknown): ParseResult {
  try {
    return { feed: jsonFeedToRaw(json), recovered: null };
  } catch (error) {
    throw error instanceof PartnerPullError ? error : new PartnerPullError("parse", (error as Error).message, { cause: error });
  }
}
