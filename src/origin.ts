// The public origin used in feeds, emails and links: BASE_URL, else this machine on the port served.
import type { Config } from "#src/config.js";

/** `port`: the one the server listens on, once known (PORT=0 picks any free port). */
export function publicOrigin(config: Pick<Config, "baseUrl" | "port">, port: number = config.port): string {
  return config.baseUrl ?? `http://localhost:${port}`;
}
