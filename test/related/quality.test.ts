import { describe, expect, it } from "vitest";
import { createRelator } from "#src/related/relate.js";
import { createRelatedIndex } from "#src/related/warm-index.js";
import { judgedArticles, judgedNow, judgedPairs, precisionAt, sameCategoryNewest } from "#test/related/quality.js";

// 0.85: related lists score 0.88 on the judged set; tags and category alone score 0.66, and every
// word of a story as its query (common words included) 0.84. One story losing one good neighbour
// costs about 0.01, so the floor allows two or three such losses and catches either regression.
const FLOOR = 0.85;

describe("related stories on the judged set", () => {
  it("holds at least 40 judged pairs, both kinds, over known stories", () => {
    const slugs = new Set(judgedArticles.map((a) => a.slug));
    expect(judgedPairs.length).toBeGreaterThanOrEqual(40);
    expect(judgedPairs.some((p) => !p.related)).toBe(true);
    for (const p of judgedPairs) expect([slugs.has(p.a), slugs.has(p.b)]).toEqual([true, true]);
  });

  it(`finds judged-related stories with precision@3 of at least ${FLOOR}`, () => {
    const relator = createRelator(judgedArticles, { now: judgedNow });
    const index = createRelatedIndex(judgedArticles);
    expect(precisionAt(3, (s) => relator.related(s.articleId, new Set(), 3))).toBeGreaterThanOrEqual(FLOOR);
    expect(precisionAt(3, (s) => index.related(s.articleId, new Set(), 3))).toBeGreaterThanOrEqual(FLOOR);
  });

  it("does better than the newest stories of the same category", () => {
    expect(precisionAt(3, sameCategoryNewest(judgedArticles, 3))).toBeLessThan(0.5);
  });
});
