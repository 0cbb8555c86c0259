// Reads what one feed page lists. The consumer's port: only the store calls it needs.
import type { Article, Category } from "#src/model.js";
import type { ArticleFilter } from "#src/store/articles.js";
import type { FeedContents } from "#src/feeds-out/build.js";
import type { FeedRef, FeedScope } from "#src/feeds-out/types.js";

export interface FeedSource {
  categories: { get(slug: string): Promise<Category | undefined>; list(): Promise<Category[]> };
  articles: {
    list(filter: ArticleFilter, page: { limit: number; offset: number }): Promise<Article[]>;
    count(filter: ArticleFilter): Promise<number>;
    tagExists(slug: string): Promise<boolean>;
    authorExists(slug: string): Promise<boolean>;
  };
}

interface Subject {
  filter: ArticleFilter;
  subject: string | null;
  description: string;
  emptyUpdated?: string;
}

/** The contents of one page; null when the feed or the page does not exist. */
export async function loadFeed(source: FeedSource, request: { ref: FeedRef; scope: FeedScope; page: number; pageSize: number }): Promise<FeedContents | null> {
  const subject = await subjectOf(source, request.ref);
  if (!subject) return null;
  // Partner feeds re-syndicate only our own articles, never what other partners sent us.
  const filter = request.scope === "partner" ? { ...subject.filter, source: "own" } : subject.filter;
  const total = await source.articles.count(filter);
  const lastPage = Math.max(1, Math.ceil(total / request.pageSize));
  if (request.page > lastPage) return null;
  const [articles, categories] = await Promise.all([
    source.articles.list(filter, { limit: request.pageSize, offset: (request.page - 1) * request.pageSize }),
    source.categories.list(),
  ]);
  const named = request.ref.kind === "author" && articles[0]?.author ? { subject: articles[0].author } : {};
  return {
    ref: request.ref,
    scope: request.scope,
    subject: subject.subject,
    description: subject.description,
    emptyUpdated: subject.emptyUpdated ?? null,
    ...named,
    categoryNames: new Map(categories.map((c) => [c.slug, c.name])),
    articles,
    page: request.page,
    lastPage,
  };
}

async function subjectOf(source: FeedSource, ref: FeedRef): Promise<Subject | null> {
  const slug = ref.slug!;
  switch (ref.kind) {
    case "all":
      return { filter: {}, subject: null, description: "" };
    case "category": {
      const category = await source.categories.get(slug);
      return category ? { filter: { category: slug }, subject: category.name, description: category.description, emptyUpdated: category.updatedAt } : null;
    }
    case "tag":
      return (await source.articles.tagExists(slug)) ? { filter: { tag: slug }, subject: `#${slug}`, description: `Articles tagged ${slug}` } : null;
    case "author":
      return (await source.articles.authorExists(slug)) ? { filter: { author: slug }, subject: slug, description: `Articles by ${slug}` } : null;
  }
}
