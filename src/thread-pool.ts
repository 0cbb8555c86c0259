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
  /**
   * Tasks posted to a thread at once (default 1): with 2, a thread finds its next task waiting when it
   * answers one, instead of idling until the main thread (busy with other work) reads the answer and
   * posts the next. A thread runs its tasks in order; the time limit counts from the start of each.
   */
  depth?: number;
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
  /** Posted and not yet answered, in the order posted (the thread runs them in that order). */
  jobs: Job[];
  /** The time limit of the first of `jobs`. */
  timer: NodeJS.Timeout | undefined;
}

export function createThreadPool<Task, Result>(options: ThreadPoolOptions) {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const toError = options.error ?? ((failure: TaskFailure) => new ThreadPoolError(failure));
  const depth = Math.max(1, options.depth ?? 1);
  let nextId = 0;
  let closed = false;

  /** The first posted task is the one running: its time limit starts now. */
  const startClock = (slot: Slot) => {
    clearTimeout(slot.timer);
    slot.timer = slot.jobs.length ? setTimeout(() => lose(slot, { kind: "timeout", timeoutMs: options.timeoutMs }), options.timeoutMs) : undefined;
  };

  /** The thread died or hung: drop it, and try its task again on a fresh one if it may be. */
  const lose = (slot: Slot, failure: TaskFailure) => {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    // Only the first posted task was running; those behind it go back to the queue as they were.
    const [running, ...waiting] = slot.jobs.splice(0);
    queue.unshift(...waiting);
    if (running && ++running.losses > (options.retries ?? 0)) running.reject(toError(failure));
    else if (running) queue.unshift(running);
    dispatch();
  };

  const answer = (slot: Slot, reply: TaskReply<Result>) => {
    const job = slot.jobs[0];
    if (!job || job.id !== reply.id) return;
    slot.jobs.shift();
    startClock(slot);
    // An idle thread must not keep the process alive; a busy one must (see start).
    if (!slot.jobs.length) slot.worker.unref();
    if (reply.ok) job.resolve(reply.result);
    else job.reject(toError({ kind: "failed", message: reply.error }));
    dispatch();
  };

  const spawn = (): Slot => {
    const resourceLimits = options.maxMemoryMb ? { maxOldGenerationSizeMb: options.maxMemoryMb } : undefined;
    const worker = new Worker(options.url, { workerData: options.workerData, ...(resourceLimits ? { resourceLimits } : {}) });
    worker.unref();
    const slot: Slot = { worker, jobs: [], timer: undefined, held: new Map(), post: (message) => worker.postMessage(message) };
    worker.on("message", (reply: TaskReply<Result>) => answer(slot, reply));
    worker.on("error", (error) => lose(slot, { kind: "error", error }));
    worker.on("exit", (code) => lose(slot, { kind: "exit", code }));
    slots.push(slot);
    return slot;
  };

  const start = (slot: Slot, job: Job) => {
    job.before?.(slot);
    slot.jobs.push(job);
    slot.worker.ref();
    if (slot.jobs.length === 1) startClock(slot);
    slot.post({ kind: "task", id: job.id, task: job.task } satisfies TaskMessage<unknown>);
  };

  /** The thread with the fewest tasks posted, below `depth`; a new one while an idle one is missing and allowed. */
  const nextSlot = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) if (s.jobs.length < depth && (!best || s.jobs.length < best.jobs.length)) best = s;
    if ((!best || best.jobs.length > 0) && slots.length < options.threads) return spawn();
    return best;
  };

  function dispatch(): void {
    while (queue.length && !closed) {
      const slot = nextSlot();
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
        for (const job of slot.jobs.splice(0)) job.reject(toError({ kind: "closed", started: true }));
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
