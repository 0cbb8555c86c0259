// The judged set for related stories (test/fixtures/related/): articles, and pairs judged related
// or not by a reader. Precision@k of a relator on it, shared by the unit test and the bench.
import { readFileSync } from "node:fs";
import type { RelatableArticle } from "#src/related/relate.js";

export interface JudgedPair {
  a: string;
  b: string;
  related: boolean;
}

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/related/${name}`, import.meta.url), "utf8"));
export const judgedArticles = fixture("articles.json") as RelatableArticle[];
export const judgedPairs = fixture("pairs.json") as JudgedPair[];
/** Every judged article is at most 18 days older than this. */
export const judgedNow = new Date("2026-11-25T12:00:00Z");

/**
 * Mean over the judged stories (each `a`) of the share of its first k related stories judged related
 * to it; a story never judged counts as unrelated. The denominator is k, or fewer when fewer stories
 * were judged related, so a perfect list scores 1.
 */
export function precisionAt(k: number, related: (story: RelatableArticle) => RelatableArticle[]): number {
  const bySlug = new Map(judgedArticles.map((a) => [a.slug, a]));
  const relatedTo = new Map<string, Set<string>>();
  for (const p of judgedPairs) if (p.related) relatedTo.set(p.a, (relatedTo.get(p.a) ?? new Set()).add(p.b));
  let sum = 0;
  for (const [slug, good] of relatedTo) {
    const found = related(bySlug.get(slug)!).slice(0, k);
    sum += found.filter((a) => good.has(a.slug)).length / Math.min(k, good.size);
  }
  return sum / relatedTo.size;
}

/** The plain alternative: the newest stories of the same category. */
export function sameCategoryNewest(articles: RelatableArticle[], k: number) {
  return (story: RelatableArticle) =>
    articles
      .filter((a) => a.category === story.category && a.articleId !== story.articleId)
      .sort((x, y) => y.publishedAt.localeCompare(x.publishedAt))
      .slice(0, k);
}
