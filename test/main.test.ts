// The service as a user starts it: a process on a fresh SQLite data dir, with the demo.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "#src/paths.js";

describe("npm start on a fresh data dir", () => {
  let child: ChildProcess;
  let dataDir: string;
  let url: string;
  let output = "";

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "dispatch-main-"));
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: PROJECT_ROOT,
      // vitest sets BASE_URL=/ for its own use; the service must not inherit it.
      env: { ...process.env, BASE_URL: "", PORT: "0", DATA_DIR: dataDir, DATABASE_URL: "", ADMIN_API_KEY: "", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 25_000);
      child.once("exit", () => reject(new Error(`exited: ${output}`)));
      const check = () => {
        const match = /Dispatch is running at (\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        } else setTimeout(check, 50);
      };
      check();
    });
  });
  afterAll(() => {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the URL and the admin key it generated", () => {
    const key = readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    expect(output).toContain(`Admin API key: ${key}`);
  });

  it("serves the demo newsroom", async () => {
    const categories = await (await fetch(`${url}/categories`)).json();
    expect(categories.length).toBeGreaterThanOrEqual(3);
    const key = readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    const story = await fetch(`${url}/api/articles/us-iraq-talks`, { headers: { authorization: `Bearer ${key}` } });
    expect(await story.json()).toMatchObject({ category: "us-military", image: { credit: "Press TV" }, engagement: { views: 30500 } });
  });

  it("logs one line per request", async () => {
    await fetch(`${url}/healthz?probe=1`);
    await new Promise((r) => setTimeout(r, 100));
    const lines = output.split("\n").filter((l) => l.includes("/healthz?probe=1"));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ req: { method: "GET" }, res: { statusCode: 200 } });
  });

  it("finishes a request in flight and exits cleanly on SIGTERM", async () => {
    const inFlight = fetch(`${url}/categories`);
    child.kill("SIGTERM");
    expect((await inFlight).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
