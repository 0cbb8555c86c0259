// How two stories are scored as related: text similarity (text.ts), plus shared tags and the same
// category. Shared by the per-edition relator and the
// warm index, so both rank the same way.

export interface RelatableArticle {
  articleId: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  publishedAt: string;
}

const TAG_WEIGHT = 3;
const CATEGORY_WEIGHT = 1;

export interface Scored<T> {
  article: T;
  score: number;
}

/** The score of `candidate` as a story related to `story`, or null when they share neither a tag nor a word. */
export function scoreCandidate<T extends RelatableArticle>(story: RelatableArticle, storyTags: ReadonlySet<string>, candidate: T, text: number): number | null {
  let sharedTags = 0;
  for (const tag of candidate.tags) if (storyTags.has(tag)) sharedTags++;
  if (sharedTags === 0 && text <= 0) return null;
  return text + sharedTags * TAG_WEIGHT + (candidate.category === story.category ? CATEGORY_WEIGHT : 0);
}

/** Best first; ties go to the newer story, then by slug, so the order never depends on insertion. */
export function byScore<T extends RelatableArticle>(x: Scored<T>, y: Scored<T>): number {
  return y.score - x.score || y.article.publishedAt.localeCompare(x.article.publishedAt) || x.article.slug.localeCompare(y.article.slug);
}
