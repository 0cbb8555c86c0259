// /healthz says which dependency is down and why, without a password from the error it got.
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps, HealthReport } from "#src/http/deps.js";
import { health } from "#src/http/handlers/health.js";
import { listen, type RunningServer } from "#src/http/server.js";

describe("health answer", () => {
  let server: RunningServer;
  const report: HealthReport = {
    ok: false,
    checks: {
      database: { ok: false, detail: "could not connect to postgres://news:s3cretpw@db.internal:5432/news: ECONNREFUSED" },
      queue: { ok: false, detail: "bullmq: Redis at redis://:s3cretpw@cache:6379/0?password=s3cretpw is unreachable" },
    },
  };

  beforeAll(async () => {
    const app = express();
    // A plain-object port: only the health check is read.
    app.get("/healthz", health({ health: async () => report } as Pick<AppDeps, "health"> as AppDeps));
    server = await listen(app, { port: 0, host: "127.0.0.1" });
  });
  afterAll(() => server.close(1000));

  it("names what is down, with each password in an error redacted", async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "unavailable",
      database: { ok: false, detail: "could not connect to postgres://news:[redacted]@db.internal:5432/news: ECONNREFUSED" },
      queue: { ok: false, detail: "bullmq: Redis at redis://:[redacted]@cache:6379/0?password=[redacted] is unreachable" },
    });
  });
});
