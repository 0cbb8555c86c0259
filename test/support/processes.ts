// Child processes for tests that kill things: the service and an SMTP sink, each its own process.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { PROJECT_ROOT } from "#src/paths.js";
import { eventually } from "#test/support/eventually.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves once the output matches. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, args: string[], env: Record<string, string>): Child {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: PROJECT_ROOT,
    // vitest's own BASE_URL=/ must not reach the service.
    env: { ...process.env, BASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    output: () => output,
    async waitFor(pattern, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`waited for ${pattern}: ${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Resolves once GET url answers 200 (the service is up; loading TypeScript takes a while on busy cores). */
export async function waitForHttp(url: string, ms = 90_000): Promise<void> {
  await eventually(
    async () => {
      // A refused connection (not listening yet) counts as "not yet" too.
      const status = await fetch(url).then(
        (r) => r.status,
        () => "no answer",
      );
      if (status !== 200) throw new Error(`${url} did not answer 200 within ${ms} ms (last: ${status})`);
    },
    ms,
    50,
  );
}
