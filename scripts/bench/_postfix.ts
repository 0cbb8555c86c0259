// Postfix's test tools, shared by the mail benchmarks: smtp-sink (the server every sender writes to)
// and smtp-source (the baseline sender: what the sink and the loopback take on this machine).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

const SINK = "/usr/sbin/smtp-sink";
const SOURCE = "/usr/sbin/smtp-source";

/** Exits with a clear line when postfix's tools are not installed. */
export function requirePostfix(bench: string): void {
  if (existsSync(SINK)) return;
  console.error(`bench ${bench}: needs postfix's smtp-sink and smtp-source (apt-get install postfix)`);
  process.exit(2);
}

/** smtp-sink on 127.0.0.1:port, accepting everything (backlog 1000). */
export function startSink(port: number): ChildProcess {
  return spawn(SINK, ["-u", "nobody", `127.0.0.1:${port}`, "1000"], { stdio: "ignore" });
}

export interface SourceRun {
  seconds: number;
  /** smtp-source's own CPU a message, from GNU time where installed. */
  cpuMicrosPerMessage?: number;
}

/**
 * smtp-source sending `count` messages of `size` bytes in `sessions` parallel sessions, each over one
 * kept connection (-d), as the pools do; undefined when it is missing or fails.
 */
export function runSmtpSource(o: { port: number; count: number; size: number; sessions: number }): SourceRun | undefined {
  if (!existsSync(SOURCE)) return undefined;
  const command = [SOURCE, "-d", "-s", String(o.sessions), "-m", String(o.count), "-l", String(o.size)];
  command.push("-f", "digest@bench.example", "-t", "reader@bench.example", `127.0.0.1:${o.port}`);
  // GNU time tells smtp-source's own CPU time ("user system" on the last line of stderr).
  const timed = existsSync("/usr/bin/time");
  const started = performance.now();
  const run = timed
    ? spawnSync("/usr/bin/time", ["-f", "%U %S", ...command], { encoding: "utf8" })
    : spawnSync(command[0]!, command.slice(1), { stdio: "ignore" });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) return undefined;
  const cpu = timed ? String(run.stderr).trim().split("\n").at(-1)!.split(" ").map(Number) : [];
  return cpu.length === 2 && cpu.every(Number.isFinite) ? { seconds, cpuMicrosPerMessage: ((cpu[0]! + cpu[1]!) * 1e6) / o.count } : { seconds };
}
