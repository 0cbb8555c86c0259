// Digest rendering off the main thread: a small pool of worker threads (see thread-pool.ts), each
// holding the content and the compiled template of the batches it renders. The main thread, free of
// Handlebars and of MIME composing and DKIM signing, spends its time on the database and on SMTP. A
// thread that dies is replaced and its batch rendered again once; a batch that fails twice is failed
// back to the caller, never dropped.
import { DispatchError } from "#src/errors.js";
import { createThreadPool, type PoolThread, type TaskFailure } from "#src/thread-pool.js";
import type { PreparedMail } from "#src/mail/compose.js";
import { MailComposeError } from "#src/mail/mime.js";
import type { PrepareRequest, RenderedDigest, RenderRequest } from "#src/digest/render-batch.js";
import type { JobFailure, RenderTask } from "#src/digest/render-thread.js";

export class RenderError extends DispatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("render", message, options);
  }
}

export interface RenderPoolOptions {
  threads: number;
  /** A batch taking longer than this stops its thread (and counts as a crash). */
  timeoutMs?: number;
  /** The thread's entry; tests substitute one that crashes. */
  workerUrl?: URL;
  workerData?: unknown;
}

const WORKER_URL = new URL("./render-worker.mjs", import.meta.url);

export type RenderPool = ReturnType<typeof createRenderPool>;

function renderError(failure: TaskFailure): RenderError {
  switch (failure.kind) {
    case "failed":
      return new RenderError(`digest: could not render: ${failure.message}`);
    case "closed":
      return new RenderError("digest: the render pool is closed");
    case "error":
      return new RenderError(`digest: render thread failed twice on a batch: ${failure.error.message}`, { cause: failure.error });
    case "exit":
      return new RenderError(`digest: render thread failed twice on a batch: render thread exited with code ${failure.code}`);
    case "timeout":
      return new RenderError(`digest: render thread failed twice on a batch: took longer than ${failure.timeoutMs / 1000} s`);
  }
}

/** Sends the thread this value under that name unless it holds it already (by identity). */
function hold(thread: PoolThread, kind: "content" | "template", value: unknown): void {
  if (thread.held.get(kind) === value) return;
  thread.post({ kind, [kind]: value });
  thread.held.set(kind, value);
}

export function createRenderPool(options: RenderPoolOptions) {
  const pool = createThreadPool<RenderTask, RenderedDigest[] | Array<PreparedMail | JobFailure>>({
    url: options.workerUrl ?? WORKER_URL,
    threads: options.threads,
    timeoutMs: options.timeoutMs ?? 30_000,
    workerData: options.workerData,
    retries: 1,
    // A render thread finds its next batch waiting: the main thread, busy with SMTP, reads answers late.
    depth: 2,
    error: renderError,
  });

  function submit<T extends RenderedDigest[] | Array<PreparedMail | JobFailure>>(request: RenderRequest | PrepareRequest): Promise<T> {
    const { content, template, options: renderOptions, now, jobs } = request;
    const identity = "identity" in request ? request.identity : undefined;
    const task: RenderTask = { options: renderOptions, now, jobs, ...(identity ? { identity } : {}) };
    return pool.run(task, (thread) => {
      hold(thread, "content", content);
      hold(thread, "template", template);
    }) as Promise<T>;
  }

  return {
    /** Renders the jobs with that content and template, in order, as HTML and text. */
    render: (request: RenderRequest) => submit<RenderedDigest[]>(request),
    /**
     * Renders and composes the jobs, in order, into messages ready for the SMTP pool; a job that could
     * not be composed is an error in its place (a MailComposeError when composeMail refused the message).
     */
    prepare: async (request: PrepareRequest): Promise<Array<PreparedMail | RenderError | MailComposeError>> =>
      (await submit<Array<PreparedMail | JobFailure>>(request)).map((r) => {
        if (!("failed" in r)) return r;
        const message = `digest: could not compose: ${r.failed}`;
        return r.refused ? new MailComposeError(message) : new RenderError(message);
      }),
    /** Threads running now (they start with the first batch). */
    get threads(): number {
      return pool.threads;
    },
    close: () => pool.close(),
  };
}
