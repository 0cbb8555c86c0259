// Partner definitions in PARTNERS_DIR: loaded at start, synced, a bad file reported by name.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadDefinitions } from "#src/feeds-in/definitions.js";
import { apiPartnerSchema, partnerDefinitionSchema } from "#src/feeds-in/definition.js";
import { createFetcher } from "#src/feeds-in/fetch.js";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { PROJECT_ROOT } from "#src/paths.js";

function definitionsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dispatch-partners-"));
  writeFileSync(
    path.join(dir, "good.yaml"),
    "slug: good-wire\nname: Good Wire\nurl: https://good.example/feed.xml\ncategory: world\ncategoryMap:\n  Politics: us-news\n",
  );
  writeFileSync(
    path.join(dir, "json-wire.json"),
    JSON.stringify({ slug: "json-wire", name: "JSON Wire", url: "https://json.example/rss", intervalMinutes: 60, enabled: false }),
  );
  writeFileSync(path.join(dir, "broken.yaml"), "slug: [unclosed\nname: x\n");
  writeFileSync(path.join(dir, "invalid.yml"), "slug: Not A Slug\nname: ''\nurl: ftp://x.example/\nintervalMinutes: -3\n");
  writeFileSync(path.join(dir, "z-dupe.json"), JSON.stringify({ slug: "good-wire", name: "Dupe" }));
  writeFileSync(path.join(dir, "local.yaml"), "slug: local-file\nname: Local\nurl: file:drop/feed.xml\ncategory: world\n");
  writeFileSync(path.join(dir, "README.md"), "not a definition");
  return dir;
}

describe("loading partner definitions", () => {
  it("loads the good files, resolves relative file: URLs, and names each bad file with its problem", () => {
    const dir = definitionsDir();
    const { partners, errors } = loadDefinitions(dir);
    expect(partners.map((p) => p.slug)).toEqual(["good-wire", "json-wire", "local-file"]);
    expect(partners[0]).toMatchObject({
      categoryMap: { Politics: "us-news" },
      intervalMinutes: 15,
      fullContent: false,
      enabled: true,
      allowPrivateNetwork: false,
    });
    expect(partners[2]!.url).toBe(pathToFileURL(path.join(dir, "drop/feed.xml")).href);
    expect(errors).toEqual([
      { file: "broken.yaml", error: expect.stringMatching(/^not valid YAML/) },
      { file: "invalid.yml", error: expect.stringMatching(/slug: .*; name: required; url: .*; intervalMinutes: /) },
      { file: "z-dupe.json", error: 'slug "good-wire" is already defined in good.yaml' },
    ]);
  });

  it("loads the project's own feeds/: the demo partner and a disabled real-world example", () => {
    const { partners, errors } = loadDefinitions(path.join(PROJECT_ROOT, "feeds"));
    expect(errors).toEqual([]);
    expect(partners.find((p) => p.slug === "wire-demo")).toMatchObject({ enabled: true, url: expect.stringMatching(/^file:\/\/.*feeds\/demo\/wire\.xml$/) });
    expect(partners.find((p) => p.enabled === false)?.url).toMatch(/^https:\/\//);
  });
});

describe("feed URL schemes, whatever their case", () => {
  const partner = (url: string) => ({ slug: "p", name: "P", url });

  it.each([["FILE:///etc/passwd"], ["File:///etc/passwd"], [" file:///etc/passwd"], ["fIlE:/etc/passwd"]])("refuses %j through the API", (url) => {
    const parsed = apiPartnerSchema.safeParse(partner(url));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["url"]);
  });

  it.each([["https://user:pw@partner.example/feed.xml"], ["https://user@partner.example/feed.xml"]])("refuses %j, a URL with credentials", (url) => {
    const parsed = partnerDefinitionSchema.safeParse(partner(url));
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["url", expect.stringMatching(/must not carry a user name or password/)]]);
  });

  it.each([["HTTPS://partner.example/feed.xml"], ["Http://partner.example/feed.xml"]])("accepts %j through the API", (url) => {
    expect(apiPartnerSchema.safeParse(partner(url)).success).toBe(true);
  });

  it.each([["ftp://x.example/feed"], ["javascript:alert(1)"], ["FTP://x.example/feed"], ["feed.xml"]])("refuses %j anywhere", (url) => {
    expect(partnerDefinitionSchema.safeParse(partner(url)).success).toBe(false);
  });

  it("resolves a FILE: URL in a definition file inside the definitions folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-partners-"));
    writeFileSync(path.join(dir, "upper.yaml"), "slug: upper\nname: Upper\nurl: FILE:drop/feed.xml\n");
    expect(loadDefinitions(dir).partners[0]!.url).toBe(pathToFileURL(path.join(dir, "drop/feed.xml")).href);
  });

  it("reads a FILE: URL only inside PARTNERS_DIR, like file:", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-partners-"));
    const fetcher = createFetcher({ timeoutMs: 1000, maxBytes: 1024, maxRedirects: 5, userAgent: "test", fileRoot: dir });
    const request = { url: "FILE:///etc/passwd", etag: null, lastModified: null, allowPrivateNetwork: false };
    await expect(fetcher.fetchFeed(request)).rejects.toThrow(/^fetch: file URLs must point inside PARTNERS_DIR/);
    await fetcher.close();
  });
});

describe.each(BACKENDS)("partner definitions at start on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_DIR: definitionsDir(), PARTNERS_CRON: "off" });
  afterAll(async () => {});

  it("syncs the good files into the partners table and starts despite the bad ones", async () => {
    const list = await (await app.admin("/api/partners")).json();
    expect(list.map((p: { slug: string; origin: string }) => [p.slug, p.origin])).toEqual([
      ["good-wire", "file"],
      ["json-wire", "file"],
      ["local-file", "file"],
    ]);
    expect(list[1]).toMatchObject({ enabled: false, intervalMinutes: 60, health: { lastPullAt: null, errorCount: 0, items: 0 } });
  });
});
