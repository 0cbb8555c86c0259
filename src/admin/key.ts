// The admin API key: ADMIN_API_KEY, else one generated into DATA_DIR on the first start.
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "#src/config.js";
import { readOrCreateSecret } from "#src/secrets.js";

export const ADMIN_KEY_FILE = "admin-api-key";

export function adminKeyOf(config: Pick<Config, "adminApiKey" | "dataDir">, logger: Logger): { value: string; created: boolean } {
  const key = config.adminApiKey ? { value: config.adminApiKey, created: false } : readOrCreateSecret(config.dataDir, ADMIN_KEY_FILE);
  if (key.created) logger.info({ file: path.join(config.dataDir, ADMIN_KEY_FILE) }, "generated an admin API key");
  return key;
}
