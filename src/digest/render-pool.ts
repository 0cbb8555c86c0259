// Digest rendering off the main thread: a small pool of worker threads, each holding the content and
// the compiled template of the batches it renders. The main thread, free of Handlebars and of MIME
// composing and DKIM signing, spends its time on the database and on SMTP. A thread that dies is replaced and its batch
// rendered again once; a batch that fails twice is failed back to the caller, never dropped.
import { Worker } from "node:worker_threads";
import { DispatchError } from "#src/errors.js";
import type { TemplateSource } from "#src/mail/fill.js";
import type { PreparedMail } from "#src/mail/compose.js";
import type { ContentSource, PrepareRequest, RenderedDigest, RenderRequest } from "#src/digest/render-batch.js";
import type { ThreadMessage, ThreadReply } from "#src/digest/render-thread.js";

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

interface Job {
  id: number;
  request: RenderRequest | PrepareRequest;
  /** Threads that died with it: past one, it is failed back. */
  crashes: number;
  resolve(rendered: RenderedDigest[] | PreparedMail[]): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** What this thread holds, by identity: sent again only when a batch needs other ones. */
  content: ContentSource | undefined;
  template: TemplateSource | undefined;
}

const WORKER_URL = new URL("./render-worker.mjs", import.meta.url);

export type RenderPool = ReturnType<typeof createRenderPool>;

export function createRenderPool(options: RenderPoolOptions) {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  let nextId = 0;
  let closed = false;

  const send = (slot: Slot, message: ThreadMessage) => slot.worker.postMessage(message);

  /** The thread died or hung: drop it, and give its batch one more try on a fresh thread. */
  const replace = (slot: Slot, reason: string, cause?: unknown) => {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    const job = slot.job;
    if (job && ++job.crashes > 1) job.reject(new RenderError(`digest: render thread failed twice on a batch: ${reason}`, { cause }));
    else if (job) queue.unshift(job);
    dispatch();
  };

  const spawn = (): Slot => {
    const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: options.workerData });
    // An idle thread must not keep the process alive; a busy one must (see dispatch).
    worker.unref();
    const slot: Slot = { worker, job: undefined, timer: undefined, content: undefined, template: undefined };
    worker.on("message", (reply: ThreadReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      worker.unref();
      if (reply.ok) job.resolve(reply.rendered);
      else job.reject(new RenderError(`digest: could not render: ${reply.error}`));
      dispatch();
    });
    worker.on("error", (error) => replace(slot, error.message, error));
    worker.on("exit", (code) => replace(slot, `render thread exited with code ${code}`));
    slots.push(slot);
    return slot;
  };

  function dispatch(): void {
    while (queue.length && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < options.threads ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      const { content, template, options: renderOptions, now, jobs } = job.request;
      const identity = "identity" in job.request ? job.request.identity : undefined;
      if (slot.content !== content) send(slot, { kind: "content", content });
      if (slot.template !== template) send(slot, { kind: "template", template });
      slot.content = content;
      slot.template = template;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => replace(slot, `took longer than ${timeoutMs / 1000} s`), timeoutMs);
      send(slot, { kind: "render", id: job.id, options: renderOptions, now, jobs, ...(identity ? { identity } : {}) });
    }
  }

  function submit<T extends RenderedDigest[] | PreparedMail[]>(request: RenderRequest | PrepareRequest): Promise<T> {
    if (closed) return Promise.reject(new RenderError("digest: the render pool is closed"));
    return new Promise<T>((resolve, reject) => {
      queue.push({ id: nextId++, request, crashes: 0, resolve: resolve as Job["resolve"], reject });
      dispatch();
    });
  }

  return {
    /** Renders the jobs with that content and template, in order, as HTML and text. */
    render: (request: RenderRequest) => submit<RenderedDigest[]>(request),
    /** Renders and composes the jobs, in order, into messages ready for the SMTP pool. */
    prepare: (request: PrepareRequest) => submit<PreparedMail[]>(request),
    /** Threads running now (they start with the first batch). */
    get threads(): number {
      return slots.length;
    },
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new RenderError("digest: the render pool is closed"));
      const all = slots.splice(0);
      for (const slot of all) {
        clearTimeout(slot.timer);
        slot.job?.reject(new RenderError("digest: the render pool is closed"));
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
