import { describe, expect, it } from "vitest";
import { dueByPeriod, isoWeek, localTime } from "#src/digest/period.js";

describe("local periods", () => {
  it.each([
    ["2026-11-26", "2026-W48"],
    ["2026-01-01", "2026-W01"],
    ["2021-01-03", "2020-W53"],
    ["2024-12-30", "2025-W01"],
  ])("puts %s in ISO week %s", (day, week) => {
    expect(isoWeek(day)).toBe(week);
  });

  it("reads the day and hour in the subscriber's timezone", () => {
    const now = new Date("2026-11-25T23:30:00Z");
    expect(localTime(now, "Asia/Tokyo", "daily")).toEqual({ period: "2026-11-26", hour: 8 });
    expect(localTime(now, "America/Chicago", "daily")).toEqual({ period: "2026-11-25", hour: 17 });
  });

  it("finds subscribers whose send hour has come, grouped by their local day", () => {
    const now = new Date("2026-11-25T13:05:00Z");
    const due = dueByPeriod(
      [
        { id: 1, timezone: "America/Chicago", sendHour: 7 },
        { id: 2, timezone: "America/Chicago", sendHour: 9 },
        { id: 3, timezone: "Asia/Tokyo", sendHour: 7 },
        { id: 4, timezone: "Europe/Paris", sendHour: 23 },
      ],
      now,
      "daily",
    );
    // Chicago 07:05 (due at 7, not at 9), Tokyo 22:05 the same day, Paris 14:05 (not yet 23).
    expect(Object.fromEntries(due)).toEqual({ "2026-11-25": [1, 3] });
    const later = dueByPeriod([{ id: 3, timezone: "Asia/Tokyo", sendHour: 7 }], new Date("2026-11-26T00:00:00Z"), "daily");
    expect(Object.fromEntries(later)).toEqual({ "2026-11-26": [3] });
  });
});
