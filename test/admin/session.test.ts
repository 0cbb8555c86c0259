import { describe, expect, it } from "vitest";
import { createSessionCodec } from "#src/admin/session.js";

const HOUR = 3_600_000;

describe("admin session values", () => {
  const codec = createSessionCodec("admin-key-0123456789abcdef", 12 * HOUR);
  const now = new Date("2026-11-25T10:00:00Z");

  it("accepts a value it issued until it expires", () => {
    const { value, expires } = codec.issue(now);
    expect(expires.toISOString()).toBe("2026-11-25T22:00:00.000Z");
    expect(codec.valid(value, now)).toBe(true);
    expect(codec.valid(value, new Date(now.getTime() + 12 * HOUR - 1))).toBe(true);
    expect(codec.valid(value, new Date(now.getTime() + 12 * HOUR))).toBe(false);
  });

  it("refuses a value whose expiry was changed", () => {
    const { value } = codec.issue(now);
    const [, nonce, sig] = value.split(".");
    const later = (now.getTime() + 1000 * HOUR).toString(36);
    expect(codec.valid(`${later}.${nonce}.${sig}`, now)).toBe(false);
  });

  it("refuses values signed with another admin key, and junk", () => {
    const other = createSessionCodec("another-admin-key-0123456789", 12 * HOUR);
    expect(codec.valid(other.issue(now).value, now)).toBe(false);
    for (const junk of [undefined, "", ".", "a.b.c", "x".repeat(500)]) expect(codec.valid(junk, now)).toBe(false);
  });

  it("issues a different value at each sign-in", () => {
    expect(codec.issue(now).value).not.toBe(codec.issue(now).value);
  });
});
