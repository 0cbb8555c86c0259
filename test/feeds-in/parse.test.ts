// The parse pool's life: a worker that has read one broken feed reads the next. Crash, time limit
// and close are in test/thread-pool.test.ts.
import { describe, expect, it } from "vitest";
import { createParsePool } from "#src/feeds-in/parse.js";
import { fixture } from "#test/feeds-in/support/feed-server.js";

describe("recovering broken feeds, one after another in the same worker", () => {
  it("reads a feed cut off mid-entry after a malformed one, and names the entry it left out", async () => {
    const pool = createParsePool({ workers: 1, timeoutMs: 5000, maxMemoryMb: 128 });
    try {
      const first = await pool.parse(fixture("corpus/rss20-bare-ampersand.xml").toString());
      expect(first.recovered).toBeTruthy();
      const cut = await pool.parse(fixture("corpus/rss20-truncated.xml").toString());
      expect(cut.feed.items!.map((i) => i.title)).toEqual(["First complete item", "Second complete item"]);
      expect(cut.recovered).toMatch(/; the feed ends inside its last entry, left for the next pull$/);
    } finally {
      await pool.close();
    }
  });
});

describe("hostile markup", () => {
  it.each([
    ["unclosed tags", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>${"<a b c d e f ".repeat(60_000)}`],
    ["unterminated comments", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>${"<!--".repeat(200_000)}`],
    ["attributes that never end", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div ${'a="1" '.repeat(150_000)}`],
  ])("settles a feed of %s well within the time limit", async (_label, text) => {
    const pool = createParsePool({ workers: 1, timeoutMs: 10_000, maxMemoryMb: 256 });
    try {
      const outcome = await pool.parse(text).then(
        () => "parsed",
        (error: Error) => error.message,
      );
      expect(outcome).not.toMatch(/took longer than/);
    } finally {
      await pool.close();
    }
  });
});
