// What an article's page shows beside the article: its category, the partner it came from, and
// related stories ("Read also" between the body's paragraphs, "You may also like" after it).
import type { ArticleWithEngagement, Category, Partner } from "#src/model.js";
import type { ArticleService } from "#src/articles/service.js";
import type { RelatedStories, RelatedStoriesService } from "#src/articles/related.js";
import { DEFAULT_COUNTS } from "#src/articles/related.js";
import { splitAfterParagraphs } from "#src/articles/paragraphs.js";

export interface ArticlePageSources {
  articles: Pick<ArticleService, "get">;
  categories: { get(slug: string): Promise<Category | undefined> };
  partners: { get(slug: string): Promise<Partner | undefined> };
  related: Pick<RelatedStoriesService, "forArticle">;
}

export interface ArticlePageContent {
  article: ArticleWithEngagement;
  category: Category | undefined;
  partner: Partner | undefined;
  /** The body, cut where a "Read also" link goes: `readAlso[i]` follows `bodyParts[i]`. */
  bodyParts: string[];
  related: RelatedStories;
}

/** "Read also" links follow these top-level paragraphs (where another paragraph follows). */
const READ_ALSO_AFTER = [2, 4] as const;

/** The body cut for "Read also": after the 2nd and 4th paragraphs; a short body after its 1st, else after the body. */
export function readAlsoPlaces(body: string): string[] {
  const parts = splitAfterParagraphs(body, READ_ALSO_AFTER.slice(0, DEFAULT_COUNTS.readAlso));
  if (parts.length > 1) return parts;
  const early = splitAfterParagraphs(body, [1]);
  return early.length > 1 ? early : [body, ""];
}

export function createArticlePages(sources: ArticlePageSources) {
  return {
    /** The article (NotFoundError when there is none) with its category, partner and related stories. */
    async get(slug: string): Promise<ArticlePageContent> {
      const article = await sources.articles.get(slug);
      const bodyParts = readAlsoPlaces(article.body);
      const [category, partner, related] = await Promise.all([
        sources.categories.get(article.category),
        article.source === "own" ? undefined : sources.partners.get(article.source),
        sources.related.forArticle(article, { readAlso: bodyParts.length - 1 }),
      ]);
      return { article, category, partner, bodyParts, related };
    },
  };
}

export type ArticlePages = ReturnType<typeof createArticlePages>;
