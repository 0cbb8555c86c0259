// What every script shares: config, logger, services, argument parsing, progress on a terminal.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Config } from "#src/config.js";
import { createLogger } from "#src/logger.js";
import { redactSecrets } from "#src/redact.js";
import { createServices, type Services } from "#src/main.js";
import { loadConfigOrExit } from "#src/process.js";

export interface ScriptContext {
  config: Config;
  services: Services;
  baseUrl: string;
}

/** Runs a script body with services, closing them after; prints a clear line and exits non-zero on failure. */
export async function runScript(body: (ctx: ScriptContext) => Promise<void>): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(process.env.LOG_LEVEL ?? "warn");
  let services: Services | undefined;
  try {
    services = await createServices(config, logger);
    await body({ config, services, baseUrl: services.baseUrl });
  } catch (error) {
    process.stderr.write(`dispatch: ${redactSecrets((error as Error).message)}\n`);
    process.exitCode = 1;
  } finally {
    await services?.close();
  }
}

export function args<T extends NonNullable<ParseArgsConfig["options"]>>(options: T) {
  return parseArgs({ options, allowPositionals: false, strict: true }).values;
}

/** Progress for long runs: a live line on a terminal (count, rate, ETA), silence elsewhere. */
export function progress(label: string, total: number) {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(done: number) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
      process.stderr.write(`\r${label}: ${done}/${total} (${rate.toFixed(1)}/s, ETA ${eta.toFixed(0)} s)   `);
    },
    done() {
      if (tty) process.stderr.write("\n");
      return (Date.now() - started) / 1000;
    },
  };
}

/** A benchmark's last line: `RESULT {json}`, its figures and same-run baselines for machines to read. */
export function printResult(bench: string, figures: Record<string, unknown>): void {
  const round = (value: unknown): unknown =>
    typeof value === "number" ? (Number.isFinite(value) ? Math.round(value * 100) / 100 : null) : value && typeof value === "object" ? roundAll(value) : value;
  const roundAll = (object: object): object =>
    Array.isArray(object) ? object.map(round) : Object.fromEntries(Object.entries(object).map(([key, value]) => [key, round(value)]));
  console.log(`RESULT ${JSON.stringify({ bench, ...(roundAll(figures) as Record<string, unknown>) })}`);
}
