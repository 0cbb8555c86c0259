// What counts as a click: a person's first GET of a link within the window, a few per client.
import { describe, expect, it } from "vitest";
import { createClickFilter, isAutomated, type ClickRequest } from "#src/clicks/filter.js";

const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const person = (over: Partial<ClickRequest> = {}): ClickRequest => ({ method: "GET", ip: "203.0.113.7", userAgent: BROWSER, purpose: undefined, ...over });

describe("the click filter", () => {
  it("counts the same link and client again once the window has passed", () => {
    let clock = 0;
    const filter = createClickFilter({ windowMs: 600_000, perClient: 20, maxEntries: 100 }, () => clock);
    expect(filter.counts("1.a", person())).toBe(true);
    clock = 599_999;
    expect(filter.counts("1.a", person())).toBe(false);
    clock = 600_000;
    expect(filter.counts("1.a", person())).toBe(true);
  });

  it("tells clients apart by address and browser, and caps what one client counts", () => {
    const filter = createClickFilter({ windowMs: 600_000, perClient: 2, maxEntries: 100 }, () => 0);
    expect(filter.counts("1.a", person())).toBe(true);
    expect(filter.counts("1.a", person({ ip: "198.51.100.1" }))).toBe(true);
    expect(filter.counts("2.b", person())).toBe(true);
    expect(filter.counts("3.c", person())).toBe(false);
  });

  it("counts nothing new while it remembers as many pairs as it may", () => {
    const filter = createClickFilter({ windowMs: 600_000, perClient: 20, maxEntries: 1 }, () => 0);
    expect(filter.counts("1.a", person())).toBe(true);
    expect(filter.counts("2.b", person())).toBe(false);
  });

  it.each([
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; Microsoft Outlook SafeLinks)", true],
    ["Barracuda Sentinel (EE)", true],
    ["python-requests/2.32.3", true],
    ["curl/8.5.0", true],
    ["", true],
    [BROWSER, false],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", false],
  ])("takes %j for automated: %s", (userAgent, automated) => {
    expect(isAutomated({ userAgent, purpose: undefined })).toBe(automated);
  });
});
