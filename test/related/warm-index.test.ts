import { describe, expect, it } from "vitest";
import { createRelator, type RelatableArticle } from "#src/related/relate.js";
import { createRelatedIndex, type RelatedIndex } from "#src/related/warm-index.js";
import { judgedArticles, judgedNow } from "#test/related/quality.js";

const ids = (list: RelatableArticle[]) => list.map((a) => a.articleId);
const everyAnswer = (relator: { related(id: number, exclude: ReadonlySet<number>, limit?: number): RelatableArticle[] }, limit = 5) =>
  judgedArticles.map((a) => ids(relator.related(a.articleId, new Set(), limit)));
const edited = (a: RelatableArticle): RelatableArticle => ({ ...a, title: "Navy frigate and submarine shipyard hiring", tags: ["navy", "shipbuilding"] });

describe("the warm related-stories index", () => {
  const relator = createRelator(judgedArticles, { now: judgedNow });
  const index = createRelatedIndex(judgedArticles);

  it("answers as the per-edition relator does over the same stories", () => {
    expect(everyAnswer(index)).toEqual(everyAnswer(relator));
    const exclude = new Set([2, 3]);
    for (const a of judgedArticles) expect(ids(index.related(a.articleId, exclude, 3))).toEqual(ids(relator.related(a.articleId, exclude, 3)));
  });

  it("finds related stories for most stories of the judged set", () => {
    expect(everyAnswer(index, 3).filter((list) => list.length === 3).length).toBeGreaterThan(judgedArticles.length * 0.9);
  });

  it("never returns the story itself nor an excluded story", () => {
    for (const a of judgedArticles) {
      const exclude = new Set(judgedArticles.filter((b) => (a.articleId * 7 + b.articleId) % 3 === 0).map((b) => b.articleId));
      const found = ids(index.related(a.articleId, exclude, 10));
      expect(found).not.toContain(a.articleId);
      expect(found.filter((id) => exclude.has(id))).toEqual([]);
    }
  });

  it("still fills the list when the best neighbours are excluded", () => {
    const many = Array.from({ length: 20 }, (_, i): RelatableArticle => ({ ...judgedArticles[0]!, articleId: 200 + i, slug: `s${200 + i}` }));
    const crowd = createRelatedIndex([judgedArticles[0]!, ...many]);
    const best = ids(crowd.related(judgedArticles[0]!.articleId, new Set(), 15));
    const found = ids(crowd.related(judgedArticles[0]!.articleId, new Set(best), 3));
    expect(found).toHaveLength(3);
    expect(found.filter((id) => best.includes(id))).toEqual([]);
  });

  it("gives the same order whatever order stories were added in", () => {
    expect(everyAnswer(createRelatedIndex([...judgedArticles].reverse()))).toEqual(everyAnswer(index));
    // Equal scores go to the newer story, then by slug.
    const twin = (articleId: number, slug: string, publishedAt: string): RelatableArticle => ({ ...judgedArticles[0]!, articleId, slug, publishedAt });
    const twins = [twin(101, "b-twin", "2026-11-20T00:00:00Z"), twin(102, "a-twin", "2026-11-20T00:00:00Z"), twin(103, "c-twin", "2026-11-21T00:00:00Z")];
    expect(
      createRelatedIndex([judgedArticles[0]!, ...twins])
        .related(judgedArticles[0]!.articleId, new Set(), 3)
        .map((a) => a.slug),
    ).toEqual(["c-twin", "a-twin", "b-twin"]);
  });

  it("adds stories one at a time to the same answers as a whole build", () => {
    const growing = createRelatedIndex(judgedArticles.slice(0, 20));
    for (const a of judgedArticles.slice(20)) growing.upsert(a);
    expect(growing.size).toBe(judgedArticles.length);
    expect(everyAnswer(growing)).toEqual(everyAnswer(index));
  });

  it("updates a story in place: new words and tags count, old ones no longer do", () => {
    const target = judgedArticles.find((a) => a.slug === "fed-holds-rates")!;
    const frigate = judgedArticles.find((a) => a.slug === "frigate-sea-trials")!;
    const live: RelatedIndex = createRelatedIndex(judgedArticles);
    expect(ids(live.related(frigate.articleId, new Set(), 5))).not.toContain(target.articleId);
    live.upsert(edited(target));
    expect(live.size).toBe(judgedArticles.length);
    expect(ids(live.related(frigate.articleId, new Set(), 5))).toContain(target.articleId);
    const rebuilt = createRelatedIndex(judgedArticles.map((a) => (a === target ? edited(a) : a)));
    expect(everyAnswer(live)).toEqual(everyAnswer(rebuilt));
  });

  it("forgets a removed story", () => {
    const live = createRelatedIndex(judgedArticles);
    const gone = judgedArticles.find((a) => a.slug === "court-social-media-ruling")!;
    expect(live.remove(gone.articleId)).toBe(true);
    expect(live.remove(gone.articleId)).toBe(false);
    expect(live.related(gone.articleId, new Set())).toEqual([]);
    for (const list of everyAnswer(live, 10)) expect(list).not.toContain(gone.articleId);
    expect(everyAnswer(live)).toEqual(everyAnswer(createRelatedIndex(judgedArticles.filter((a) => a !== gone))));
  });

  it("leaves out stories older than the age window as the clock moves, and prunes them", () => {
    let now = judgedNow;
    const windowed = createRelatedIndex(judgedArticles, { maxAgeDays: 30, now: () => now });
    const oldest = judgedArticles.find((a) => a.slug === "court-term-preview")!; // 18 days old
    const asker = judgedArticles.find((a) => a.slug === "court-social-media-arguments")!;
    expect(ids(windowed.related(asker.articleId, new Set(), 5))).toContain(oldest.articleId);
    now = new Date(judgedNow.getTime() + 14 * 86_400_000);
    expect(ids(windowed.related(asker.articleId, new Set(), 5))).not.toContain(oldest.articleId);
    expect(windowed.prune()).toBeGreaterThan(0);
    expect(windowed.get(oldest.articleId)).toBeUndefined();
    expect(windowed.get(asker.articleId)).toBeDefined();
  });
});
