// A short, stable digest of any JSON value: item ids, content hashes, slug suffixes.
import { createHash } from "node:crypto";

export function hash(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
}
