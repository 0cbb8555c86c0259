// The dates step on a table of real-world entry dates (test/fixtures/feeds-in/dates/).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEntryDate } from "#src/feeds-in/dates.js";
import { PROJECT_ROOT } from "#src/paths.js";

const table: { fetchedAt: string; cases: Array<{ input: string; expected: string | null; why: string }> } = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, "test/fixtures/feeds-in/dates/entry-dates.json"), "utf8"),
);

describe("parseEntryDate", () => {
  it.each(table.cases)("reads $input as $expected ($why)", ({ input, expected }) => {
    expect(parseEntryDate(input, new Date(table.fetchedAt))).toBe(expected);
  });

  it("has no date for a missing value", () => {
    expect(parseEntryDate(undefined, new Date(table.fetchedAt))).toBeNull();
  });
});
