// Related stories ("Read also") for one edition: every fresh story is scored against the one asked
// for (see score.ts). Pure and deterministic for the same articles. For the whole store, kept warm
// across requests, see warm-index.ts.
import { byScore, scoreCandidate, type RelatableArticle, type Scored } from "#src/related/score.js";
import { TextIndex } from "#src/related/text.js";

export type { RelatableArticle } from "#src/related/score.js";

export interface RelateOptions {
  now: Date;
  /** Related stories older than this are left out. */
  maxAgeDays?: number;
  limit?: number;
}

export interface Relator<T extends RelatableArticle = RelatableArticle> {
  /** Up to `limit` related articles, never the story itself nor any in `exclude`. */
  related(articleId: number, exclude: ReadonlySet<number>, limit?: number): T[];
}

/** How many ranked neighbours are kept per story, so excluding a digest's other stories still leaves enough. */
const KEEP = 12;
const DEFAULT_MAX_AGE_DAYS = 21;

export function createRelator<T extends RelatableArticle>(articles: T[], options: RelateOptions): Relator<T> {
  const maxAgeMs = (options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS) * 86_400_000;
  const fresh = articles.filter((a) => options.now.getTime() - Date.parse(a.publishedAt) <= maxAgeMs);
  const byId = new Map(articles.map((a) => [a.articleId, a]));
  const index = new TextIndex<T>();
  index.addAll(fresh);
  const neighbours = new Map<number, T[]>();

  const compute = (story: T): T[] => {
    const text = index.scores(story);
    const storyTags = new Set(story.tags);
    const scored: Scored<T>[] = [];
    for (const a of fresh) {
      if (a.articleId === story.articleId) continue;
      const score = scoreCandidate(story, storyTags, a, text.get(a.articleId) ?? 0);
      if (score !== null) scored.push({ article: a, score });
    }
    return scored
      .sort(byScore)
      .slice(0, KEEP)
      .map((x) => x.article);
  };

  return {
    related(articleId, exclude, limit = options.limit ?? 3) {
      const story = byId.get(articleId);
      if (!story) return [];
      let list = neighbours.get(articleId);
      if (!list) neighbours.set(articleId, (list = compute(story)));
      return list.filter((a) => !exclude.has(a.articleId)).slice(0, limit);
    },
  };
}
