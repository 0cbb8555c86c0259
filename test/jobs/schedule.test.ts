import pino from "pino";
import { describe, expect, it } from "vitest";
import { startSchedules } from "#src/jobs/schedule.js";
import { eventually } from "#test/support/eventually.js";

describe("schedules", () => {
  it("never ticks a task whose schedule is off, and still runs it on demand", async () => {
    const runs: string[] = [];
    const task = (name: string, cron: string) => ({ name, cron, run: async () => void runs.push(name) });
    const schedules = startSchedules([task("every-second", "* * * * * *"), task("manual", "off")], pino({ level: "silent" }));
    try {
      await eventually(() => expect(runs.filter((r) => r === "every-second").length).toBeGreaterThanOrEqual(2), 5000);
      expect(runs).not.toContain("manual");
      await schedules.runNow("manual");
      expect(runs).toContain("manual");
    } finally {
      await schedules.stop();
    }
  });
});
