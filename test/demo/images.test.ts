import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_ARTICLES, demoImageFile } from "#src/demo/content.js";
import { PUBLIC_DIR } from "#src/paths.js";

const bytesOf = (slug: string) => readFileSync(path.join(PUBLIC_DIR, "demo", demoImageFile(slug)));

describe("the demo's lead images", () => {
  it.each(DEMO_ARTICLES.map((a) => [a.slug, a]))("%s has its own small JPEG, which mail clients show", (slug, article) => {
    const bytes = bytesOf(slug);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(bytes.length).toBeGreaterThan(2_000);
    expect(bytes.length).toBeLessThan(40_000);
    expect(article.imageAlt.length).toBeGreaterThan(10);
  });

  it("gives every story a different picture and description, so each picture has one credit", () => {
    const hashes = DEMO_ARTICLES.map((a) => createHash("sha256").update(bytesOf(a.slug)).digest("hex"));
    expect(new Set(hashes).size).toBe(DEMO_ARTICLES.length);
    expect(new Set(DEMO_ARTICLES.map((a) => a.imageAlt)).size).toBe(DEMO_ARTICLES.length);
  });
});
