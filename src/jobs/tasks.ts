// What each job does, and the ticks the scheduler role enqueues. The job functions are the same
// ones scripts/ and the admin API call; only the trigger differs.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { JobHandlers, JobQueue } from "#src/jobs/queue.js";
import type { ScheduledTask } from "#src/jobs/schedule.js";

export interface TaskDeps {
  queue: JobQueue;
  digest: { scheduleDue(): Promise<number>; drain(options?: { editionId?: number }): Promise<unknown> };
  partners: { dueSlugs(): Promise<string[]>; pullIfDue(slug: string): Promise<unknown> };
  websubPing: (url: string) => Promise<void>;
  logger: Logger;
}

export function jobHandlers(deps: TaskDeps): JobHandlers {
  return {
    async tick({ task }) {
      if (task === "digest") return deps.digest.scheduleDue();
      if (task === "deliveries") return deps.digest.drain();
      if (task === "partners") {
        // One job per due partner, so a slow partner ties up one worker slot, not the tick.
        const slot = Math.floor(Date.now() / 60_000);
        for (const slug of await deps.partners.dueSlugs()) await deps.queue.add("partner-pull", { slug }, { id: `pull-${slug}-${slot}` });
        return;
      }
      deps.logger.warn({ task }, "jobs: unknown tick");
    },
    deliver: ({ editionId }) => deps.digest.drain(editionId !== undefined ? { editionId } : {}),
    "partner-pull": ({ slug }) => deps.partners.pullIfDue(slug),
    "websub-ping": ({ url }) => deps.websubPing(url),
  };
}

/**
 * The scheduler role's node-cron ticks. Each enqueues a job whose id names its time slot, so when
 * several schedulers run (for failover), a slot's tick still runs once across the cluster.
 */
export function scheduledTicks(queue: JobQueue, crons: { digest: string; partners: string; deliveries?: string }): ScheduledTask[] {
  const tick = (task: string, cron: string): ScheduledTask => ({
    name: task,
    cron,
    run: (now) => queue.add("tick", { task }, { id: `tick-${task}-${slotOf(cron, now)}` }),
  });
  const ticks = [tick("digest", crons.digest), tick("partners", crons.partners)];
  // Retries of temporary failures and deliveries stranded by a dead worker: in-process mode has its
  // own polling loop for these.
  if (crons.deliveries) ticks.push(tick("deliveries", crons.deliveries));
  return ticks;
}

/** The tick's slot: its time rounded to the pattern's unit (second for 6-field crons, else minute). */
export function slotOf(cron: string, now: Date): string {
  const unit = cron.trim().split(/\s+/).length === 6 ? 1000 : 60_000;
  return new Date(Math.round(now.getTime() / unit) * unit).toISOString();
}

/** Deliver jobs per kick: each drains until nothing is due, so idle workers join in. */
const DELIVER_JOBS_PER_KICK = 4;
/** Kicks without an edition (the periodic tick) within this window are one kick across processes. */
const KICK_SLOT_MS = 5000;

/**
 * Queues deliver jobs after deliveries became due. An operator's kick (an edition started, failed
 * deliveries retried) always queues new jobs; the periodic kick's ids name its time slot, so several
 * processes kicking at once queue one set.
 */
export function kickDeliveries(queue: JobQueue, logger: Logger, editionId?: number, now = Date.now()): void {
  const slot = editionId !== undefined ? `e${editionId}-${randomUUID()}` : `t${Math.floor(now / KICK_SLOT_MS)}`;
  for (let k = 0; k < DELIVER_JOBS_PER_KICK; k++) {
    queue.add("deliver", editionId !== undefined ? { editionId } : {}, { id: `deliver-${slot}-${k}` }).catch((error: Error) => {
      logger.warn({ err: error.message }, "digest: could not queue deliveries (the next tick will)");
    });
  }
}

/** With BullMQ, due deliveries become jobs that any worker process takes; in one process the digest worker polls for them. */
export function deliveryKick(queue: JobQueue, logger: Logger): { kick?: (editionId?: number) => void } {
  return queue.kind === "bullmq" ? { kick: (editionId) => kickDeliveries(queue, logger, editionId) } : {};
}
