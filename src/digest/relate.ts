// Related stories ("Read also"): shared tags, same category, and text similarity of title and summary
// (BM25 through minisearch). Pure and deterministic for the same articles.
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

const TAG_WEIGHT = 3;
const CATEGORY_WEIGHT = 1;
/** How many ranked neighbours are kept per story, so excluding a digest's other stories still leaves enough. */
const KEEP = 12;

export function createRelator<T extends RelatableArticle>(articles: T[], options: RelateOptions): Relator<T> {
  const maxAgeMs = (options.maxAgeDays ?? 21) * 86_400_000;
  const fresh = articles.filter((a) => options.now.getTime() - Date.parse(a.publishedAt) <= maxAgeMs);
  const byId = new Map(articles.map((a) => [a.articleId, a]));
  const index = new MiniSearch<T>({
    idField: "articleId",
    fields: ["title", "summary", "tagText"],
    extractField: (doc, field) => (field === "tagText" ? doc.tags.join(" ") : String((doc as unknown as Record<string, unknown>)[field] ?? "")),
    searchOptions: { boost: { title: 2, tagText: 2 }, combineWith: "OR", prefix: false, fuzzy: false },
  });
  index.addAll(fresh);
  const neighbours = new Map<number, T[]>();

  const compute = (story: T): T[] => {
    const text = `${story.title} ${story.summary} ${story.tags.join(" ")}`;
    const textScores = new Map(index.search(text).map((r) => [r.id as number, r.score]));
    const storyTags = new Set(story.tags);
    const scored = fresh
      .filter((a) => a.articleId !== story.articleId)
      .map((a) => {
        const sharedTags = a.tags.filter((t) => storyTags.has(t)).length;
        const s = (textScores.get(a.articleId) ?? 0) + sharedTags * TAG_WEIGHT + (a.category === story.category ? CATEGORY_WEIGHT : 0);
        return { a, s, sharedTags };
      })
      .filter((x) => x.sharedTags > 0 || (textScores.get(x.a.articleId) ?? 0) > 0);
    scored.sort((x, y) => y.s - x.s || y.a.publishedAt.localeCompare(x.a.publishedAt) || x.a.slug.localeCompare(y.a.slug));
    return scored.slice(0, KEEP).map((x) => x.a);
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
