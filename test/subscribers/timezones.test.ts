import { describe, expect, it } from "vitest";
import { TIME_ZONES, timeZoneName } from "#src/subscribers/timezones.js";
import { choicesSchema } from "#src/subscribers/input.js";

describe("time zones", () => {
  it("offers current IANA names, UTC first, each once", () => {
    expect(TIME_ZONES[0]).toBe("UTC");
    expect(TIME_ZONES).toEqual(expect.arrayContaining(["Europe/Kyiv", "Asia/Kolkata", "Asia/Ho_Chi_Minh", "America/Nuuk", "Asia/Yangon"]));
    for (const replaced of ["Europe/Kiev", "Asia/Calcutta", "Asia/Saigon", "America/Godthab", "Asia/Rangoon"]) expect(TIME_ZONES).not.toContain(replaced);
    expect(new Set(TIME_ZONES).size).toBe(TIME_ZONES.length);
  });

  it.each([
    ["Europe/Kyiv", "Europe/Kyiv"],
    ["europe/kyiv", "Europe/Kyiv"],
    ["Europe/Kiev", "Europe/Kiev"],
    ["Asia/Calcutta", "Asia/Calcutta"],
    ["america/chicago", "America/Chicago"],
    ["utc", "UTC"],
    ["etc/gmt+5", "Etc/GMT+5"],
    ["Mars/Olympus_Mons", undefined],
    ["", undefined],
  ])("keeps %j as the subscriber named it: %j", (given, kept) => {
    expect(timeZoneName(given)).toBe(kept);
  });

  it("stores the name the subscriber sent, current or replaced", () => {
    const parse = (timezone: string) => choicesSchema.parse({ categories: ["world"], timezone }).timezone;
    expect(parse("Europe/Kyiv")).toBe("Europe/Kyiv");
    expect(parse("Europe/Kiev")).toBe("Europe/Kiev");
    expect(choicesSchema.safeParse({ categories: ["world"], timezone: "Nowhere/Town" }).error?.issues[0]?.message).toBe(
      "must be an IANA time zone, like America/Chicago",
    );
  });
});
