// The worker and scheduler roles: which jobs this process runs, how many at once, and its ticks.
import type { Logger } from "pino";
import { hasRole, type Config } from "#src/config.js";
import type { JobName, JobQueue } from "#src/jobs/queue.js";
import { startSchedules, type Schedules } from "#src/jobs/schedule.js";
import { jobHandlers, scheduledTicks, type TaskDeps } from "#src/jobs/tasks.js";

/** Jobs run at once per process; partner pulls follow PARTNER_CONCURRENCY. */
const CONCURRENCY: Omit<Record<JobName, number>, "partner-pull"> = { tick: 1, deliver: 1, "websub-ping": 4 };

export interface WorkerDeps {
  queue: JobQueue;
  digest: TaskDeps["digest"] & { start(): void };
  partners: { dueSlugs(): Promise<string[]>; pollDue(onProgress: undefined, only: string): Promise<unknown> };
  websubPing: (url: string) => Promise<void>;
  logger: Logger;
  partnerConcurrency: number;
}

function startWorker(deps: WorkerDeps): void {
  const { queue, digest, partners, websubPing, logger } = deps;
  queue.work(
    jobHandlers({
      queue,
      digest,
      partners: { dueSlugs: () => partners.dueSlugs(), pullIfDue: (slug) => partners.pollDue(undefined, slug) },
      websubPing,
      logger,
    }),
    { ...CONCURRENCY, "partner-pull": deps.partnerConcurrency },
  );
  // In one process, the digest worker polls the database for due deliveries itself.
  if (queue.kind === "in-process") digest.start();
}

export interface SchedulerOptions {
  crons: { digest: string; partners: string; deliveries: string };
  /** Pull partners right away instead of at the first tick (the demo). */
  pullPartnersNow: boolean;
}

function startScheduler(queue: JobQueue, options: SchedulerOptions, logger: Logger): Schedules {
  const { digest, partners, deliveries } = options.crons;
  // Deliveries get their own tick with BullMQ; in one process the digest worker polls for them.
  const crons = { digest, partners, ...(queue.kind === "bullmq" ? { deliveries } : {}) };
  const schedules = startSchedules(scheduledTicks(queue, crons), logger);
  if (options.pullPartnersNow) void schedules.runNow("partners");
  return schedules;
}

/** The worker role runs jobs, the scheduler role ticks; one process may have both. Returns the ticks, if any. */
export function startRoles(config: Config, deps: Omit<WorkerDeps, "partnerConcurrency">): Schedules | undefined {
  if (hasRole(config, "worker")) startWorker({ ...deps, partnerConcurrency: config.partnerConcurrency });
  if (!hasRole(config, "scheduler")) return undefined;
  const crons = { digest: config.digest.cron, partners: config.partnersCron, deliveries: config.deliveriesCron };
  // The demo shows partner items right away instead of after the first tick.
  return startScheduler(deps.queue, { crons, pullPartnersNow: config.seedDemo }, deps.logger);
}
