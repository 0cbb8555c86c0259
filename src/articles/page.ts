// What an article's page shows beside the article: its category and the partner it came from.
import type { ArticleWithEngagement, Category, Partner } from "#src/model.js";
import type { ArticleService } from "#src/articles/service.js";

export interface ArticlePageSources {
  articles: Pick<ArticleService, "get">;
  categories: { get(slug: string): Promise<Category | undefined> };
  partners: { get(slug: string): Promise<Partner | undefined> };
}

export interface ArticlePageContent {
  article: ArticleWithEngagement;
  category: Category | undefined;
  partner: Partner | undefined;
}

export function createArticlePages(sources: ArticlePageSources) {
  return {
    /** The article (NotFoundError when there is none) with its category and partner. */
    async get(slug: string): Promise<ArticlePageContent> {
      const article = await sources.articles.get(slug);
      const [category, partner] = await Promise.all([
        sources.categories.get(article.category),
        article.source === "own" ? undefined : sources.partners.get(article.source),
      ]);
      return { article, category, partner };
    },
  };
}

export type ArticlePages = ReturnType<typeof createArticlePages>;
