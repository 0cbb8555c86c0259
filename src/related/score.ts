// How two stories are scored as related: text similarity of title, summary and tags (BM25 through
// minisearch), plus shared tags and the same category. Shared by the per-edition relator and the
// warm index, so both rank the same way.
import MiniSearch from "minisearch";

export interface RelatableArticle {
  articleId: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  publishedAt: string;
}

export const TAG_WEIGHT = 3;
export const CATEGORY_WEIGHT = 1;

export interface Scored<T> {
  article: T;
  score: number;
}

/** A BM25 index of title, summary and tags; the query for a story is its own text. */
export function createTextIndex<T extends RelatableArticle>(): MiniSearch<T> {
  return new MiniSearch<T>({
    idField: "articleId",
    fields: ["title", "summary", "tagText"],
    extractField: (doc, field) => (field === "tagText" ? doc.tags.join(" ") : String((doc as unknown as Record<string, unknown>)[field] ?? "")),
    searchOptions: { boost: { title: 2, tagText: 2 }, combineWith: "OR", prefix: false, fuzzy: false },
  });
}

export function textScores<T extends RelatableArticle>(index: MiniSearch<T>, story: RelatableArticle): Map<number, number> {
  const text = `${story.title} ${story.summary} ${story.tags.join(" ")}`;
  return new Map(index.search(text).map((r) => [r.id as number, r.score]));
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
