// Saving, patching and deleting articles; tells listeners (feed caches, WebSub) what changed.
import type { ArticleChange, ArticleWithEngagement, EngagementEvent } from "#src/model.js";
import type { ArticleStore } from "#src/store/articles.js";
import type { CategoryStore } from "#src/store/categories.js";
import { articleInputSchema, normalizeArticle, type ArticleInput } from "#src/articles/input.js";
import { parseOrThrow } from "#src/validate.js";
import { NotFoundError, ValidationError } from "#src/errors.js";
import { slugify } from "#src/slug.js";

export type ArticleListener = (change: ArticleChange) => void;

export interface ArticleServiceDeps {
  articles: ArticleStore;
  categories: CategoryStore;
  /** Told of every change from the start (the feed caches and WebSub); more may listen through onChange. */
  onChange?: ArticleListener;
  now?: () => Date;
}

/** The article as stored after a save, and whether the save created or changed it. */
export interface ArticleSaved {
  article: ArticleWithEngagement;
  created: boolean;
  changed: boolean;
}

export function createArticleService(deps: ArticleServiceDeps) {
  const listeners: ArticleListener[] = deps.onChange ? [deps.onChange] : [];
  const now = deps.now ?? (() => new Date());
  const notify = (change: ArticleChange) => {
    for (const listener of listeners) listener(change);
  };

  async function save(raw: unknown, source = "own"): Promise<ArticleSaved> {
    const input = parseOrThrow(articleInputSchema, raw, "article");
    if (!(await deps.categories.get(input.category))) {
      throw new ValidationError("article: invalid input", { category: `unknown category "${input.category}"` });
    }
    const slug = input.slug ?? normalizeArticle(input, { now: now(), source }).slug;
    const existing = await deps.articles.get(slug);
    const record = normalizeArticle(
      { ...input, slug, publishedAt: input.publishedAt ?? existing?.publishedAt },
      { now: now(), source: existing && source === "own" ? existing.source : source, existingId: existing?.id },
    );
    const result = await deps.articles.save(record);
    const article = (await deps.articles.get(slug))!;
    if (result.changed) {
      notify({
        kind: result.created ? "created" : "updated",
        slug,
        before: result.before,
        after: { category: article.category, tags: article.tags.map(slugify), author: article.author ? authorSlug(article) : null, source: article.source },
      });
    }
    return { article, created: result.created, changed: result.changed };
  }

  return {
    save,

    /** Applies the given fields over the stored article. */
    async patch(slug: string, fields: Partial<ArticleInput>): Promise<ArticleSaved> {
      const existing = await deps.articles.get(slug);
      if (!existing) throw new NotFoundError(`article "${slug}" not found`);
      const { id: _id, engagement: _e, source, ...current } = existing;
      const merged = { ...current, ...fields, slug, updatedAt: fields.updatedAt };
      return save(merged, source);
    },

    async get(slug: string): Promise<ArticleWithEngagement> {
      const article = await deps.articles.get(slug);
      if (!article) throw new NotFoundError(`article "${slug}" not found`);
      return article;
    },

    async remove(slug: string): Promise<void> {
      const before = await deps.articles.remove(slug);
      if (!before) throw new NotFoundError(`article "${slug}" not found`);
      notify({ kind: "deleted", slug, before, after: null });
    },

    async addEngagement(events: EngagementEvent[]): Promise<number> {
      const { added, unknown } = await deps.articles.addEngagement(events);
      if (unknown.length) {
        throw new ValidationError("engagement: unknown articles", Object.fromEntries(unknown.map((s) => [`events.${s}`, "unknown article"])));
      }
      return added;
    },

    /** Registers a listener called after every change that was written. */
    onChange(listener: ArticleListener): void {
      listeners.push(listener);
    },
  };
}

export type ArticleService = ReturnType<typeof createArticleService>;

function authorSlug(article: { author: string | null }): string | null {
  return article.author ? slugify(article.author) : null;
}
