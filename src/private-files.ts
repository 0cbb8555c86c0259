// Files holding secrets or personal data (generated keys, the SQLite database, outbox emails) are
// readable by Dispatch's own user only, whatever the process umask.
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates dir (and missing parents) as 0700; a folder that exists keeps the mode its owner gave it. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates an empty file as 0600 unless it exists; makes existing ones 0600 too. */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  tightenIfPresent(file);
}

/**
 * Makes a file 0600 when it exists. A file of another user (EPERM) is left as its owner set it:
 * Dispatch can only tighten its own.
 */
export function tightenIfPresent(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EPERM") throw error;
  }
}
