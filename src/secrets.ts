// Secrets generated once into DATA_DIR when the environment gives none.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makePrivateDir, PRIVATE_FILE_MODE, tightenIfPresent } from "#src/private-files.js";

const MIN_LENGTH = 16;

/** Reads DATA_DIR/<name>, creating it (0600, in a 0700 DATA_DIR if Dispatch creates that) on first use. */
export function readOrCreateSecret(dataDir: string, name: string): { value: string; created: boolean } {
  const file = path.join(dataDir, name);
  const existing = readSecret(file);
  if (existing !== undefined) return { value: existing, created: false };
  makePrivateDir(dataDir);
  const value = randomBytes(24).toString("base64url");
  try {
    // "wx": of two processes starting at once, one writes the secret and both use it.
    writeFileSync(file, `${value}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const theirs = readSecret(file);
  if (theirs !== undefined) return { value: theirs, created: false };
  // A file too short to be a secret (emptied, cut off): replaced, and made private as a new one is.
  writeFileSync(file, `${value}\n`, { mode: PRIVATE_FILE_MODE });
  tightenIfPresent(file);
  return { value, created: true };
}

/** The secret in file; undefined when there is no file or it holds too little to be one. */
function readSecret(file: string): string | undefined {
  try {
    const value = readFileSync(file, "utf8").trim();
    return value.length >= MIN_LENGTH ? value : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return undefined;
  }
}
