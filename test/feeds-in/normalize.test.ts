// The normalize step on fixture feeds (test/fixtures/feeds-in/normalize/): each <case>.input.json holds
// rss-parser's output and the context; <case>.expected.json what must come out (written by hand).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeFeed, type NormalizeContext } from "#src/feeds-in/normalize.js";
import type { RawFeed } from "#src/feeds-in/raw.js";
import { PROJECT_ROOT } from "#src/paths.js";

const DIR = path.join(PROJECT_ROOT, "test/fixtures/feeds-in/normalize");
const read = (name: string) => JSON.parse(readFileSync(path.join(DIR, name), "utf8"));
const CASES = readdirSync(DIR)
  .filter((f) => f.endsWith(".input.json"))
  .map((f) => f.replace(/\.input\.json$/, ""));

describe("normalizeFeed", () => {
  it("has fixture cases", () => expect(CASES.length).toBeGreaterThanOrEqual(3));

  it.each(CASES)("turns the %s input into what its expected file says", (name) => {
    const input: { feed: RawFeed; context: Omit<NormalizeContext, "fetchedAt"> & { fetchedAt: string } } = read(`${name}.input.json`);
    const expected = read(`${name}.expected.json`);
    const result = normalizeFeed(input.feed, { ...input.context, fetchedAt: new Date(input.context.fetchedAt) });
    const { ttlMinutes, items, skipped } = expected;
    if ("ttlMinutes" in expected) expect(result.ttlMinutes).toBe(ttlMinutes ?? undefined);
    expect(result.items).toHaveLength(items.length);
    items.forEach((item: object, i: number) => expect(result.items[i]).toMatchObject(item));
    expect(result.skipped).toEqual(skipped);
  });
});
