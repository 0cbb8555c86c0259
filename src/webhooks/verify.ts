// What every provider's check shares: constant-time comparison, the replay window, JSON after the signature.
import { createHash, timingSafeEqual } from "node:crypto";
import { UnauthorizedError, ValidationError } from "#src/errors.js";

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

/** Refuses a signed time (Unix seconds, or a date) further than `toleranceSeconds` from now, either way. */
export function assertFresh(provider: string, signedAt: number, now: Date, toleranceSeconds: number): void {
  if (!Number.isFinite(signedAt)) throw new UnauthorizedError(`${provider}: the signed timestamp is missing or not a time`);
  if (Math.abs(now.getTime() / 1000 - signedAt) > toleranceSeconds)
    throw new UnauthorizedError(`${provider}: the signed timestamp is more than ${toleranceSeconds} s from now: a stale or replayed request`);
}

/** The body as JSON, once its signature is checked (a bad body then is the sender's mistake: 400). */
export function jsonOf(provider: string, raw: Buffer, prepare: (text: string) => string = (text) => text): unknown {
  try {
    return JSON.parse(prepare(raw.toString("utf8")));
  } catch {
    throw new ValidationError(`${provider}: the body is not valid JSON`);
  }
}

/** Each provider's reports, named by the provider: a report it cannot read is skipped, never fatal. */
export const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export const asString = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);
