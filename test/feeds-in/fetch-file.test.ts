// Feeds delivered as files: a rewrite is seen whatever its mtime, an unchanged file is not modified.
import { mkdtempSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createFetcher } from "#src/feeds-in/fetch.js";
import { rss } from "#test/feeds-in/support/feed-server.js";

describe("a partner feed delivered as a file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dispatch-partners-"));
  const file = path.join(dir, "drop.xml");
  const fetcher = createFetcher({ timeoutMs: 1000, maxBytes: 1024 * 1024, maxRedirects: 5, userAgent: "test", fileRoot: dir });
  const read = (validators: { etag: string | null; lastModified: string | null }) =>
    fetcher.fetchFeed({ url: pathToFileURL(file).href, ...validators, allowPrivateNetwork: false });
  afterAll(() => fetcher.close());

  it("is read again when rewritten within the same second as the last pull", async () => {
    writeFileSync(file, rss([{ guid: "a", title: "First version" }]));
    const mtime = statSync(file).mtime;
    const first = await read({ etag: null, lastModified: null });
    if (first.status !== "ok") throw new Error("expected the file");
    writeFileSync(file, rss([{ guid: "a", title: "Second version" }]));
    utimesSync(file, mtime, mtime); // the same second, as a quick rewrite (or a copy keeping its mtime) leaves it
    const second = await read({ etag: first.etag, lastModified: first.lastModified });
    expect(second).toMatchObject({ status: "ok", text: expect.stringContaining("Second version") });
  });

  it("is not modified while its content stays the same, even when touched", async () => {
    writeFileSync(file, rss([{ guid: "b", title: "Steady" }]));
    const first = await read({ etag: null, lastModified: null });
    if (first.status !== "ok") throw new Error("expected the file");
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    expect(await read({ etag: first.etag, lastModified: first.lastModified })).toMatchObject({ status: "not_modified" });
  });

  it("names a missing file", async () => {
    await expect(
      fetcher.fetchFeed({ url: pathToFileURL(path.join(dir, "gone.xml")).href, etag: null, lastModified: null, allowPrivateNetwork: false }),
    ).rejects.toThrow("fetch: cannot read gone.xml: ENOENT");
  });
});
