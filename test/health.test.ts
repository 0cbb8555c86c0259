import { describe, expect, it } from "vitest";
import { createHealthCheck } from "#src/health.js";

const up = (kind: string) => ({ kind, dialect: kind, ping: async () => {} });
const down = (kind: string, message: string) => ({ kind, dialect: kind, ping: async () => Promise.reject(new Error(message)) });

describe("health check", () => {
  it("is ok when the database and the queue answer", async () => {
    expect(await createHealthCheck({ db: up("sqlite"), queue: up("in-process") })()).toEqual({
      ok: true,
      checks: { database: { ok: true, detail: "sqlite" }, queue: { ok: true, detail: "in-process" } },
    });
  });

  it.each([
    ["the database", { db: down("postgres", "connection refused"), queue: up("bullmq") }, { database: { ok: false, detail: "connection refused" } }],
    ["the queue", { db: up("postgres"), queue: down("bullmq", "ECONNREFUSED") }, { queue: { ok: false, detail: "bullmq: ECONNREFUSED" } }],
  ])("is not ok when %s is down, and says why", async (_name, sources, checks) => {
    const report = await createHealthCheck(sources)();
    expect(report.ok).toBe(false);
    expect(report.checks).toMatchObject(checks);
  });
});
