// Secrets generated once into DATA_DIR when the environment gives none.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Reads DATA_DIR/<name>, creating it with a random value on first use. */
export function readOrCreateSecret(dataDir: string, name: string): { value: string; created: boolean } {
  const file = path.join(dataDir, name);
  try {
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 16) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(24).toString("base64url");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}
