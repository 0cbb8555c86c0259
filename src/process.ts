// The process around the service: config or a clear exit, signals, the lines printed at start.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { loadConfig, type Config } from "#src/config.js";
import { ConfigError } from "#src/errors.js";
import { createLogger } from "#src/logger.js";
import { redactSecrets } from "#src/redact.js";
import { ADMIN_KEY_FILE } from "#src/admin/key.js";

/** What the process needs of a started service. */
export interface RunningService {
  baseUrl: string;
  adminApiKey: string;
  adminKeyGenerated: boolean;
  close(): Promise<void>;
}

/** The environment's config, or one clear line on stderr and exit code 2 (the start and every script). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dispatch: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function runService(start: (config: Config, logger: Logger) => Promise<RunningService>): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  // Signals count from the first moment: one that arrives while starting stops the service once started.
  const starting = start(config, logger);
  const stop = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS);
    timer.unref();
    starting
      .then((dispatch) => dispatch.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  const dispatch = await starting;
  logger.info({ url: dispatch.baseUrl, roles: config.roles }, "dispatch is running");
  process.stdout.write(`\nDispatch is running at ${dispatch.baseUrl}\n`);
  // The key is shown once, when it is generated; after that it is read from its file.
  if (dispatch.adminKeyGenerated) process.stdout.write(`Admin API key: ${dispatch.adminApiKey} (kept in ${path.join(config.dataDir, ADMIN_KEY_FILE)})\n`);
  process.stdout.write("\n");
}

/** Beyond SHUTDOWN_TIMEOUT_MS, what closing the queues and the database may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 2000;

/** Starts the service when `moduleUrl` is the file node was asked to run; a failed start exits 1 with one clear line. */
export function runIfEntryPoint(moduleUrl: string, start: (config: Config, logger: Logger) => Promise<RunningService>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(path.resolve(process.argv[1])).href) return;
  runService(start).catch((error: unknown) => {
    process.stderr.write(`dispatch: could not start: ${redactSecrets((error as Error).message)}\n`);
    process.exit(1);
  });
}
