// The service as a user starts it: a process on a fresh SQLite data dir, with the demo.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "#src/paths.js";
import { eventually } from "#test/support/eventually.js";
import { startChild } from "#test/support/processes.js";

/** Every process below `pid` (npm → node), found through /proc. */
function processesUnder(pid: number): number[] {
  const children = (p: number): number[] => {
    const listed = readdirSync(`/proc/${p}/task`).flatMap((task) =>
      readFileSync(`/proc/${p}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
    return listed.flatMap((c) => [c, ...children(c)]);
  };
  return children(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start on a fresh data dir", () => {
  let child: ChildProcess;
  let dataDir: string;
  let url: string;
  let output = "";

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "dispatch-main-"));
    // Exactly what the README says to run: the signal goes to the process npm is.
    child = spawn("npm", ["start", "--silent"], {
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

  it("prints the URL and the admin key it generated", async () => {
    const key = readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    // The key line is a write after the URL line: it may arrive in a later chunk.
    await eventually(() => expect(output).toContain(`Admin API key: ${key}`));
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
    const probes = () => output.split("\n").filter((l) => l.includes("/healthz?probe=1"));
    await eventually(() => expect(probes().length).toBeGreaterThan(0));
    // A fixed wait after that, not `eventually`: this checks that no second line comes.
    await new Promise((r) => setTimeout(r, 100));
    const lines = probes();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ req: { method: "GET" }, res: { statusCode: 200 } });
  });

  it("finishes a request in flight and stops, every process of it, on SIGTERM to npm start", async () => {
    const service = processesUnder(child.pid!);
    expect(service.length).toBeGreaterThan(0);
    // In flight for sure: the server has read the headers (it answers 100 Continue) and waits for the body.
    const body = JSON.stringify({ email: "in-flight@example.com", categories: ["world"] });
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (answer += chunk));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    socket.write(
      `POST /subscribe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await eventually(() => expect(answer).toContain("100 Continue"));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await eventually(() => expect(output).toContain('"msg":"shutting down"'));
    socket.end(body);
    await ended;
    expect(answer).toMatch(/100 Continue\r\n\r\nHTTP\/1.1 202 /);
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await eventually(() => expect(service.filter(alive)).toEqual([]), 5000);
  });

  it("prints the admin key only when it generates one", async () => {
    const again = startChild("src/main.ts", [], { PORT: "0", DATA_DIR: dataDir, DATABASE_URL: "", ADMIN_API_KEY: "", LOG_LEVEL: "warn" });
    try {
      await again.waitFor(/Dispatch is running at \S+\n/);
      // A fixed wait, not `eventually`: this checks that the key is not printed.
      await new Promise((r) => setTimeout(r, 100));
      expect(again.output()).not.toContain("Admin API key");
      expect(again.output()).not.toContain(readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim());
    } finally {
      await again.kill("SIGTERM");
    }
  });
});
