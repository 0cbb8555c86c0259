import { describe, expect, it } from "vitest";
import { plural, pluralOf } from "#src/plural.js";

describe("plural", () => {
  it.each([
    [0, "subscriber", "0 subscribers"],
    [1, "subscriber", "1 subscriber"],
    [2, "subscriber", "2 subscribers"],
    [1, "failed delivery", "1 failed delivery"],
    [3, "failed delivery", "3 failed deliveries"],
    [1, "day", "1 day"],
    [7, "day", "7 days"],
    [2, "match", "2 matches"],
    [2, "sign-up", "2 sign-ups"],
    [12_345, "request", "12,345 requests"],
    [1.5, "minute", "1.5 minutes"],
  ])("writes %d with %s as %s", (n, noun, text) => {
    expect(plural(n, noun)).toBe(text);
  });

  it("takes an irregular plural when given one", () => {
    expect(plural(1, "person", "people")).toBe("1 person");
    expect(plural(4, "person", "people")).toBe("4 people");
  });
});

describe("pluralOf", () => {
  it.each([
    ["request", "requests"],
    ["failed delivery", "failed deliveries"],
    ["key", "keys"],
    ["box", "boxes"],
  ])("makes %s into %s", (singular, pluralForm) => {
    expect(pluralOf(singular)).toBe(pluralForm);
  });
});
