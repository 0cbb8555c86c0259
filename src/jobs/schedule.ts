// The scheduler decides when; jobs decide what. node-cron ticks call task functions; a task still
// running when its next tick comes is not started twice, and a failing task is logged, never fatal.
import cron from "node-cron";
import type { Logger } from "pino";

export interface ScheduledTask {
  name: string;
  // node-cron expression, e.g. "* * * * *" (every minute) or "*/15 * * * *" (every 15 minutes);
  // "off": never on a schedule, only by runNow.
  cron: string;
  run(now: Date): Promise<unknown>;
}

export interface Schedules {
  /** Runs a task now, outside its schedule (tests, admin). Resolves when it has finished. */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function startSchedules(tasks: ScheduledTask[], logger: Logger): Schedules {
  const running = new Map<string, Promise<void>>();
  const execute = (task: ScheduledTask): Promise<void> => {
    const current = running.get(task.name);
    if (current) return current;
    const run = task
      .run(new Date())
      .then(
        () => undefined,
        (error: unknown) => logger.error({ err: error, task: task.name }, "scheduled task failed"),
      )
      .finally(() => running.delete(task.name));
    running.set(task.name, run);
    return run;
  };
  const jobs = tasks
    .filter((task) => task.cron !== "off")
    .map((task) => cron.schedule(task.cron, () => void execute(task), { name: task.name, noOverlap: true }));
  return {
    runNow: async (name) => {
      const task = tasks.find((t) => t.name === name);
      if (!task) throw new Error(`jobs: no scheduled task named ${name}`);
      await execute(task);
    },
    stop: async () => {
      for (const job of jobs) await job.stop();
      await Promise.all(running.values());
    },
  };
}
