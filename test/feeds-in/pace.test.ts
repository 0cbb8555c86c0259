// A partner's pace on a table of cases (test/fixtures/feeds-in/pace/): the spacing of its items' dates, and items per day.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { learnPace } from "#src/feeds-in/pace.js";
import { PROJECT_ROOT } from "#src/paths.js";

interface PaceTable {
  now: string;
  cases: Array<{ why: string; dates: Array<string | null>; learnedIntervalMinutes: number | null; itemsPerDay: number | null }>;
}
const table: PaceTable = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "test/fixtures/feeds-in/pace/pace.json"), "utf8"));

describe("partner pace", () => {
  it.each(table.cases)("learns every $learnedIntervalMinutes min, $itemsPerDay items/day: $why", ({ dates, learnedIntervalMinutes, itemsPerDay }) => {
    expect(learnPace(dates, new Date(table.now))).toEqual({ learnedIntervalMinutes, itemsPerDay });
  });

  it("reads the same pace whatever the order of the items", () => {
    const dates = table.cases[3]!.dates;
    expect(learnPace([...dates].reverse(), new Date(table.now))).toEqual(learnPace(dates, new Date(table.now)));
  });
});
