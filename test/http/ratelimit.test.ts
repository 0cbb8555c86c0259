import { describe, expect, it } from "vitest";
import { mailboxOf } from "#src/http/ratelimit.js";

describe("the inbox an address is counted under", () => {
  it.each([
    ["victim@example.com", "victim@example.com"],
    [" Victim@EXAMPLE.com ", "victim@example.com"],
    ["victim+1@example.com", "victim@example.com"],
    ["Victim+news+more@Example.COM", "victim@example.com"],
    ["+only-tag@example.com", "@example.com"],
    ["no-at-sign", "no-at-sign"],
  ])("counts %j as %j", (given, inbox) => {
    expect(mailboxOf(given)).toBe(inbox);
  });
});
