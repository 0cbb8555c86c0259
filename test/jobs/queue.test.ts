import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createJobQueue, type JobHandlers, type JobQueue } from "#src/jobs/queue.js";
import { kickDeliveries, scheduledTicks, slotOf } from "#src/jobs/tasks.js";
import { eventually } from "#test/support/eventually.js";

const logger = pino({ level: "silent" });
const REDIS = process.env.TEST_REDIS_URL;

function recordingHandlers(log: string[], failFirst = new Set<string>()): JobHandlers {
  const failed = new Set<string>();
  const record = (what: string) => async () => {
    if (failFirst.has(what) && !failed.has(what)) {
      failed.add(what);
      throw new Error(`${what} failed once`);
    }
    log.push(what);
  };
  return {
    tick: async ({ task }) => record(`tick:${task}`)(),
    deliver: async ({ editionId }) => record(`deliver:${editionId ?? "-"}`)(),
    "partner-pull": async ({ slug }) => record(`pull:${slug}`)(),
    "websub-ping": async ({ url }) => record(`ping:${url}`)(),
  };
}

describe("tick slots", () => {
  it.each([
    ["*/15 * * * *", "2026-11-25T10:15:00.300Z", "2026-11-25T10:15:00.000Z"],
    ["*/5 * * * * *", "2026-11-25T10:15:04.800Z", "2026-11-25T10:15:05.000Z"],
  ])("puts a %s tick at %s in slot %s", (cron, at, slot) => {
    expect(slotOf(cron, new Date(at))).toBe(slot);
  });
});

describe("the in-process queue", () => {
  it("runs jobs here, retrying a failure with backoff", async () => {
    const queue = createJobQueue({ prefix: "t", logger });
    const log: string[] = [];
    queue.work(recordingHandlers(log, new Set(["pull:wire"])), {});
    await queue.add("partner-pull", { slug: "wire" }, { attempts: 3, backoffMs: 10 });
    await eventually(() => expect(log).toEqual(["pull:wire"]));
    await queue.close();
  });
});

describe.skipIf(!REDIS)("BullMQ queues on Redis", () => {
  const run = `t${process.pid}${Date.now()}`;
  const queues: JobQueue[] = [];
  // Each test its own prefix: a worker left from one test must not take another's jobs.
  const open = (prefix = `${run}-${(expect.getState().currentTestName ?? "").replace(/[^A-Za-z0-9]/g, "").slice(-24)}`) => {
    const q = createJobQueue({ redisUrl: REDIS, prefix, logger, lockDurationMs: 2000 });
    queues.push(q);
    return q;
  };
  afterAll(async () => {
    for (const q of queues) await q.close();
  });

  it("runs a slot's tick once however many schedulers enqueue it", async () => {
    const worker = open();
    const log: string[] = [];
    worker.work(recordingHandlers(log), {});
    const now = new Date("2026-11-25T10:15:00.200Z");
    const schedulerA = scheduledTicks(open(), { digest: "*/15 * * * *", partners: "* * * * *" });
    const schedulerB = scheduledTicks(open(), { digest: "*/15 * * * *", partners: "* * * * *" });
    await Promise.all([schedulerA[0]!.run(now), schedulerB[0]!.run(new Date(now.getTime() + 150))]);
    await eventually(() => expect(log).toEqual(["tick:digest"]));
    // A fixed wait, not `eventually`: this checks that no second tick runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(log).toEqual(["tick:digest"]);
  });

  it("runs an operator's second kick of an edition (a retry) after the first one's jobs finished", async () => {
    const queue = open();
    const log: string[] = [];
    queue.work(recordingHandlers(log), {});
    kickDeliveries(queue, logger, 7);
    await eventually(() => expect(log).toEqual(Array(4).fill("deliver:7")));
    kickDeliveries(queue, logger, 7);
    await eventually(() => expect(log).toEqual(Array(8).fill("deliver:7")));
  });

  it("queues one set of deliver jobs for the periodic kicks of several processes in the same slot", async () => {
    const queue = open();
    const log: string[] = [];
    queue.work(recordingHandlers(log), {});
    const at = Date.now();
    kickDeliveries(open(), logger, undefined, at);
    kickDeliveries(open(), logger, undefined, at);
    await eventually(() => expect(log).toEqual(Array(4).fill("deliver:-")));
    // A fixed wait, not `eventually`: this checks that no second set of jobs runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(log).toHaveLength(4);
  });

  it("retries a failed job with backoff, on whichever worker is free", async () => {
    const a = open();
    const b = open();
    const log: string[] = [];
    const handlers = recordingHandlers(log, new Set(["ping:https://x/feed"]));
    a.work(handlers, {});
    b.work(handlers, {});
    await open().add("websub-ping", { url: "https://x/feed" }, { attempts: 3, backoffMs: 50 });
    await eventually(() => expect(log).toEqual(["ping:https://x/feed"]), 10_000);
    expect((await a.depth())["websub-ping"]).toBe(0);
  });
});
