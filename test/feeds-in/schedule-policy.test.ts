// The schedule policy on a table of cases (test/fixtures/feeds-in/schedule-policy/): when to pull next, and health.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isHealthy, nextPullAfterFailure, nextPullAfterSuccess, pacedInterval, type PolicyLimits } from "#src/feeds-in/schedule-policy.js";
import { PROJECT_ROOT } from "#src/paths.js";

interface PolicyTable {
  now: string;
  limits: PolicyLimits;
  afterSuccess: Array<{ interval: number; hints: { ttlMinutes?: number; maxAgeSeconds?: number }; expected: string; why: string }>;
  afterFailure: Array<{ interval: number; errors: number; retryAfterSeconds: number | null; expected: string; why: string }>;
  paced: Array<{
    interval: number;
    min: number;
    max: number;
    learned: number | null;
    hints: { ttlMinutes?: number; maxAgeSeconds?: number };
    retryAfterSeconds: number | null;
    expected: string;
    why: string;
  }>;
  health: Array<{ failingSince: string | null; expected: boolean; why: string }>;
}
const table: PolicyTable = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "test/fixtures/feeds-in/schedule-policy/policy.json"), "utf8"));
const now = new Date(table.now);

describe("schedule policy", () => {
  it.each(table.afterSuccess)("pulls next at $expected after a good pull: $why", ({ interval, hints, expected }) => {
    expect(nextPullAfterSuccess(now, interval, hints, table.limits)).toBe(expected);
  });

  it.each(table.afterFailure)("pulls next at $expected after failure $errors: $why", ({ interval, errors, retryAfterSeconds, expected }) => {
    expect(nextPullAfterFailure(now, interval, errors, retryAfterSeconds ?? undefined, table.limits)).toBe(expected);
  });

  it.each(table.paced)("follows the partner's pace: $why", ({ interval, min, max, learned, hints, retryAfterSeconds, expected }) => {
    const paced = pacedInterval({ intervalMinutes: interval, minIntervalMinutes: min, maxIntervalMinutes: max }, learned);
    const next =
      retryAfterSeconds === null ? nextPullAfterSuccess(now, paced, hints, table.limits) : nextPullAfterFailure(now, paced, 1, retryAfterSeconds, table.limits);
    expect(next).toBe(expected);
  });

  it.each(table.health)("is healthy = $expected when $why", ({ failingSince, expected }) => {
    expect(isHealthy(failingSince, now, table.limits)).toBe(expected);
  });
});
