// Archive periods: a day for daily digests, an ISO week for weekly ones, checked where they enter.
import { describe, expect, it } from "vitest";
import { periodEnd } from "#src/digest/archive.js";
import { isoWeek } from "#src/digest/period.js";
import { ValidationError } from "#src/errors.js";

describe("archive periods", () => {
  it.each([
    ["daily", "2026-12-01", "2026-12-02T00:00:00.000Z"],
    ["daily", "2028-02-29", "2028-03-01T00:00:00.000Z"],
    ["weekly", "2026-W49", "2026-12-07T00:00:00.000Z"],
    ["weekly", "2026-W01", "2026-01-05T00:00:00.000Z"],
    ["weekly", "2026-W53", "2027-01-04T00:00:00.000Z"],
  ] as const)("ends %s %s at %s", (frequency, period, end) => {
    expect(periodEnd(frequency, period).toISOString()).toBe(end);
  });

  it("ends a week where the next ISO week begins", () => {
    const end = periodEnd("weekly", "2026-W49");
    expect(isoWeek(end.toISOString().slice(0, 10))).toBe("2026-W50");
    expect(isoWeek(new Date(end.getTime() - 1).toISOString().slice(0, 10))).toBe("2026-W49");
  });

  it.each([
    ["daily", "2026-13-01"],
    ["daily", "2026-02-30"],
    ["daily", "2026-12-1"],
    ["daily", "2026-W49"],
    ["weekly", "2026-W00"],
    ["weekly", "2025-W53"],
    ["weekly", "2026-12-01"],
  ] as const)("refuses %s %s", (frequency, period) => {
    expect(() => periodEnd(frequency, period)).toThrow(ValidationError);
  });
});
