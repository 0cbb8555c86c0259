import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokens, InvalidTokenError } from "#src/subscribers/tokens.js";
import { confirmUrl, preferencesUrl, unsubscribeUrl } from "#src/subscribers/links.js";

const SECRET = "a-test-secret-of-some-length";

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.problem;
    throw error;
  }
  return undefined;
}

describe("subscriber tokens", () => {
  it("reads back the subscriber and token version it was signed for", () => {
    const tokens = createTokens(SECRET);
    const token = tokens.sign(42, 3, "preferences");
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(tokens.verify(token, "preferences")).toEqual({ subscriberId: 42, tokenVersion: 3 });
  });

  it("refuses a token used for another purpose", () => {
    const tokens = createTokens(SECRET);
    expect(problemOf(() => tokens.verify(tokens.sign(1, 1, "preferences"), "unsubscribe"))).toBe("wrong_purpose");
  });

  it.each([
    ["a changed payload", (t: string) => `${Buffer.from("preferences.2.1.0").toString("base64url")}.${t.split(".")[1]}`, "tampered"],
    ["a changed signature", (t: string) => `${t.slice(0, -2)}${t.endsWith("AA") ? "BB" : "AA"}`, "tampered"],
    ["a cut link", (t: string) => t.split(".")[0]!, "malformed"],
    ["an empty token", () => "", "malformed"],
    ["garbage", () => "x.y.z", "malformed"],
  ])("refuses %s", (_label, change, problem) => {
    const tokens = createTokens(SECRET);
    expect(problemOf(() => tokens.verify(change(tokens.sign(1, 1, "preferences")), "preferences"))).toBe(problem);
  });

  it("refuses a token signed with another secret", () => {
    const token = createTokens("another-secret-another-secret").sign(1, 1, "unsubscribe");
    expect(problemOf(() => createTokens(SECRET).verify(token, "unsubscribe"))).toBe("tampered");
  });

  it("lets confirmation links expire after 48 hours, but not preferences links", () => {
    let now = new Date("2026-11-25T12:00:00Z");
    const tokens = createTokens(SECRET, () => now);
    const confirm = tokens.sign(5, 1, "confirm");
    const preferences = tokens.sign(5, 1, "preferences");
    now = new Date("2026-11-27T11:59:00Z");
    expect(tokens.verify(confirm, "confirm").subscriberId).toBe(5);
    now = new Date("2026-11-27T12:01:00Z");
    expect(problemOf(() => tokens.verify(confirm, "confirm"))).toBe("expired");
    now = new Date("2036-11-27T12:01:00Z");
    expect(tokens.verify(preferences, "preferences").subscriberId).toBe(5);
  });

  it("builds links under the base URL", () => {
    expect(confirmUrl("https://news.example.com/", "abc.def")).toBe("https://news.example.com/confirm?token=abc.def");
    expect(preferencesUrl("https://news.example.com", "t")).toBe("https://news.example.com/preferences?token=t");
    expect(unsubscribeUrl("https://news.example.com", "t")).toBe("https://news.example.com/unsubscribe?token=t");
  });

  it("hashes an address with a key of its own: the same address and secret give the same hash, nothing else does", () => {
    const hash = createTokens(SECRET).addressHash("reader@example.com");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(createTokens(SECRET).addressHash("reader@example.com")).toBe(hash);
    expect(createTokens(SECRET).addressHash("other@example.com")).not.toBe(hash);
    expect(createTokens(`${SECRET}-changed`).addressHash("reader@example.com")).not.toBe(hash);
    // Not keyed with the token secret itself: a hash is no signature of anything.
    expect(hash).not.toBe(createHmac("sha256", SECRET).update("reader@example.com").digest("hex"));
    expect(hash).not.toContain("reader");
  });
});
