import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadConfig } from "#src/config.js";
import { PROJECT_ROOT } from "#src/paths.js";

describe("configuration", () => {
  it("has the defaults of the contract", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      baseUrl: "http://localhost:3000",
      dataDir: "./data",
      databaseUrl: undefined,
      redisUrl: undefined,
      smtpUrl: undefined,
      mailFrom: "Dispatch <digest@localhost>",
      partnersDir: "./feeds",
      roles: ["all"],
    });
  });

  it.each([
    [{ PORT: "abc" }, /PORT="abc" must be a whole number/],
    [{ PORT: "70000" }, /PORT="70000" must be between 0 and 65535/],
    [{ DATABASE_URL: "nonsense" }, /DATABASE_URL="nonsense" must be a URL starting with postgres:\/\//],
    [{ REDIS_URL: "http://x" }, /REDIS_URL="http:\/\/x" must be a URL/],
    [{ BASE_URL: "ftp://x" }, /BASE_URL/],
    [{ DISPATCH_ROLE: "web,cook" }, /DISPATCH_ROLE="web,cook" must be a comma-separated mix/],
    [{ ADMIN_API_KEY: "short" }, /ADMIN_API_KEY.*at least 16/],
  ])("rejects %o with a message naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads roles as a comma-separated list and strips a trailing slash from BASE_URL", () => {
    const config = loadConfig({ DISPATCH_ROLE: "web, worker", REDIS_URL: "redis://127.0.0.1:6379", BASE_URL: "https://news.example.com/" });
    expect(config.roles).toEqual(["web", "worker"]);
    expect(config.baseUrl).toBe("https://news.example.com");
  });

  it("refuses some of the roles without REDIS_URL, and takes all of them in one process", () => {
    for (const roles of ["web", "worker", "scheduler", "web,scheduler"]) {
      expect(() => loadConfig({ DISPATCH_ROLE: roles })).toThrow(new RegExp(`^config: DISPATCH_ROLE=${roles} needs REDIS_URL`));
    }
    expect(loadConfig({ DISPATCH_ROLE: "web,worker,scheduler" }).roles).toEqual(["web", "worker", "scheduler"]);
    expect(loadConfig({}).roles).toEqual(["all"]);
  });

  it("stops the start with one clear line and a non-zero exit on a bad value", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: "abc" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('dispatch: config: PORT="abc" must be a whole number');
  });
});
