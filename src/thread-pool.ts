// A pool of worker threads that run tasks one at a time each, shared by digest rendering and partner
// feed parsing. A thread that dies or hangs is stopped and replaced; its task is tried again on a
// fresh thread (as many times as `retries` allows) or rejected with a clear error, never dropped.
// Closing settles every in-flight and queued task at once, none waits for its time limit.
// A leaf module (node:worker_threads only), so any step can use it.
import { Worker } from "node:worker_threads";

/** What the pool posts to a thread for one task; what a thread holds (see PoolThread) is posted as given. */
export interface TaskMessage<T> {
  kind: "task";
  id: number;
  task: T;
}

/** What a thread answers for one task: its result, or why it could not produce one. */
export type TaskReply<R> = { id: number; ok: true; result: R } | { id: number; ok: false; error: string };

/** Why a task has no result. `error` and `exit` are a thread that died, `timeout` one that hung. */
export type TaskFailure =
  | { kind: "failed"; message: string }
  | { kind: "error"; error: Error & { code?: string } }
  | { kind: "exit"; code: number }
  | { kind: "timeout"; timeoutMs: number }
  /** `started`: the task was in a thread when the pool closed, rather than still queued. */
  | { kind: "closed"; started: boolean };

/** One thread, as a task's `before` sees it: what it was sent earlier stays in `held`, by name. */
export interface PoolThread {
  post(message: unknown): void;
  readonly held: Map<string, unknown>;
}

export interface ThreadPoolOptions {
  /** The thread's entry module. */
  url: URL;
  threads: number;
  /** A task taking longer than this stops its thread (and counts as the thread dying). */
  timeoutMs: number;
  /** Heap ceiling of each thread: past it the thread dies (`error` with code ERR_WORKER_OUT_OF_MEMORY). */
  maxMemoryMb?: number;
  workerData?: unknown;
  /** How many more times a task whose thread died or hung is tried, each on a fresh thread (default 0). */
  retries?: number;
  /** The error a task is rejected with (default: a ThreadPoolError saying what happened). */
  error?: (failure: TaskFailure) => Error;
}

export class ThreadPoolError extends Error {
  readonly failure: TaskFailure;
  constructor(failure: TaskFailure) {
    super(describeFailure(failure), failure.kind === "error" ? { cause: failure.error } : undefined);
    this.name = "ThreadPoolError";
    this.failure = failure;
  }
}

function describeFailure(failure: TaskFailure): string {
  switch (failure.kind) {
    case "failed":
      return failure.message;
    case "error":
      return failure.error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "the thread ran out of memory" : `the thread failed: ${failure.error.message}`;
    case "exit":
      return `the thread exited with code ${failure.code}`;
    case "timeout":
      return `took longer than ${failure.timeoutMs / 1000} s: its thread was stopped`;
    case "closed":
      return failure.started ? "the pool closed before the task finished" : "the pool is closed";
  }
}

interface Job {
  id: number;
  task: unknown;
  /** Runs on the thread just before the task is posted: sends what the task needs the thread to hold. */
  before: ((thread: PoolThread) => void) | undefined;
  /** Threads that died or hung with it. */
  losses: number;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface Slot extends PoolThread {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

export function createThreadPool<Task, Result>(options: ThreadPoolOptions) {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const toError = options.error ?? ((failure: TaskFailure) => new ThreadPoolError(failure));
  let nextId = 0;
  let closed = false;

  /** The thread died or hung: drop it, and try its task again on a fresh one if it may be. */
  const lose = (slot: Slot, failure: TaskFailure) => {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    const job = slot.job;
    if (job && ++job.losses > (options.retries ?? 0)) job.reject(toError(failure));
    else if (job) queue.unshift(job);
    dispatch();
  };

  const answer = (slot: Slot, reply: TaskReply<Result>) => {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    // An idle thread must not keep the process alive; a busy one must (see start).
    slot.worker.unref();
    if (reply.ok) job.resolve(reply.result);
    else job.reject(toError({ kind: "failed", message: reply.error }));
    dispatch();
  };

  const spawn = (): Slot => {
    const resourceLimits = options.maxMemoryMb ? { maxOldGenerationSizeMb: options.maxMemoryMb } : undefined;
    const worker = new Worker(options.url, { workerData: options.workerData, ...(resourceLimits ? { resourceLimits } : {}) });
    worker.unref();
    const slot: Slot = { worker, job: undefined, timer: undefined, held: new Map(), post: (message) => worker.postMessage(message) };
    worker.on("message", (reply: TaskReply<Result>) => answer(slot, reply));
    worker.on("error", (error) => lose(slot, { kind: "error", error }));
    worker.on("exit", (code) => lose(slot, { kind: "exit", code }));
    slots.push(slot);
    return slot;
  };

  const start = (slot: Slot, job: Job) => {
    job.before?.(slot);
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => lose(slot, { kind: "timeout", timeoutMs: options.timeoutMs }), options.timeoutMs);
    slot.post({ kind: "task", id: job.id, task: job.task } satisfies TaskMessage<unknown>);
  };

  function dispatch(): void {
    while (queue.length && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < options.threads ? spawn() : undefined);
      if (!slot) return;
      start(slot, queue.shift()!);
    }
  }

  return {
    /** Runs the task on the next free thread; `before` sends what the thread must hold for it. */
    run(task: Task, before?: (thread: PoolThread) => void): Promise<Result> {
      if (closed) return Promise.reject(toError({ kind: "closed", started: false }));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, task, before, losses: 0, resolve: resolve as Job["resolve"], reject });
        dispatch();
      });
    },
    /** Threads running now (they start with the first task). */
    get threads(): number {
      return slots.length;
    },
    /** Rejects queued and in-flight tasks at once and stops every thread. */
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.reject(toError({ kind: "closed", started: false }));
      const all = slots.splice(0);
      for (const slot of all) {
        clearTimeout(slot.timer);
        slot.job?.reject(toError({ kind: "closed", started: true }));
        slot.job = undefined;
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
