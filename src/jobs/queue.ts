// The job engine. With REDIS_URL: BullMQ queues shared by every process (retries with backoff,
// stalled jobs taken over when a worker dies, idempotent job ids). Without: the same job functions
// run in this process. Either way the scheduler decides when, the jobs decide what.
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";

/** Every job Dispatch runs, and the data it carries. */
export interface JobData {
  /** A tick of the schedule: find the work that is due (digest editions, partner pulls, retries). */
  tick: { task: string };
  /** Deliver due digests until none is left (the rows are the truth; this is the nudge). */
  deliver: { editionId?: number };
  "partner-pull": { slug: string };
  "websub-ping": { url: string };
}
export type JobName = keyof JobData;
export type JobHandlers = { [K in JobName]: (data: JobData[K]) => Promise<unknown> };

export interface AddOptions {
  /** Jobs with the same id are run once (kept for an hour after they finish). */
  id?: string;
  /** Tries in all, with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
}

export interface JobQueue {
  kind: "bullmq" | "in-process";
  add<K extends JobName>(name: K, data: JobData[K], options?: AddOptions): Promise<void>;
  /** Runs jobs in this process (the worker role). */
  work(handlers: JobHandlers, concurrency: Partial<Record<JobName, number>>): void;
  /** Jobs waiting or running, per queue (health, metrics). */
  depth(): Promise<Record<string, number>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface QueueOptions {
  redisUrl?: string | undefined;
  /** Key prefix in Redis, so several installations (or test runs) can share one server. */
  prefix: string;
  logger: Logger;
  /** How long a worker may be silent before its job is handed to another (ms). */
  lockDurationMs?: number;
}

export function createJobQueue(options: QueueOptions): JobQueue {
  return options.redisUrl ? bullQueue(options.redisUrl, options) : inProcessQueue(options.logger);
}

const KEEP = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600 } };

function bullQueue(redisUrl: string, options: QueueOptions): JobQueue {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => options.logger.warn({ err: error.message }, "jobs: redis"));
  const queues = new Map<JobName, Queue>();
  const workers: Worker[] = [];
  const queueOf = (name: JobName): Queue => {
    let queue = queues.get(name);
    if (!queue) queues.set(name, (queue = new Queue(name, { connection: connection as ConnectionOptions, prefix: options.prefix })));
    return queue;
  };
  return {
    kind: "bullmq",
    async add(name, data, add = {}) {
      await queueOf(name).add(name, data, {
        ...KEEP,
        ...(add.id ? { jobId: add.id.replace(/:/g, "_") } : {}),
        attempts: add.attempts ?? 1,
        backoff: { type: "exponential", delay: add.backoffMs ?? 1000 },
      });
    },
    work(handlers, concurrency) {
      for (const name of Object.keys(handlers) as JobName[]) {
        const worker = new Worker(name, (job) => handlers[name](job.data as never), {
          connection: new Redis(redisUrl, { maxRetriesPerRequest: null }) as ConnectionOptions,
          prefix: options.prefix,
          concurrency: concurrency[name] ?? 1,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: Math.min(30_000, options.lockDurationMs ?? 30_000),
        });
        worker.on("failed", (job, error) => options.logger.warn({ job: job?.name, id: job?.id, err: error.message }, "jobs: job failed"));
        worker.on("error", (error) => options.logger.warn({ err: error.message }, "jobs: worker"));
        workers.push(worker);
      }
    },
    async depth() {
      const result: Record<string, number> = {};
      for (const name of ["tick", "deliver", "partner-pull", "websub-ping"] as JobName[]) {
        const counts = await queueOf(name).getJobCounts("waiting", "active", "delayed", "prioritized");
        result[name] = Object.values(counts).reduce((a, b) => a + b, 0);
      }
      return result;
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      // Workers finish the job in hand (their rows stay the truth if they cannot), then let go.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

function inProcessQueue(logger: Logger): JobQueue {
  let handlers: JobHandlers | undefined;
  const running = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const run = async (name: JobName, data: unknown, add: AddOptions, attempt: number): Promise<void> => {
    if (!handlers || closed) return;
    try {
      await handlers[name](data as never);
    } catch (error) {
      const attempts = add.attempts ?? 1;
      logger.warn({ job: name, attempt, err: (error as Error).message }, "jobs: job failed");
      if (attempt >= attempts || closed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            resolve();
          },
          (add.backoffMs ?? 1000) * 2 ** (attempt - 1),
        );
        timers.add(timer);
      });
      await run(name, data, add, attempt + 1);
    }
  };

  return {
    kind: "in-process",
    async add(name, data, add = {}) {
      const key = add.id ?? `${name}:${Math.random()}`;
      if (running.has(key)) return;
      const job = run(name, data, add, 1).finally(() => running.delete(key));
      running.set(key, job);
    },
    work(h) {
      handlers = h;
    },
    async depth() {
      return { in_process: running.size };
    },
    async ping() {},
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled(running.values());
    },
  };
}
