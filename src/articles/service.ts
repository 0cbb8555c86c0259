// Saving, patching and deleting articles; tells listeners (feed caches, WebSub) what changed.
import type { ArticleChange, ArticleWithEngagement, EngagementEvent } from "#src/model.js";
import type { ArticleStore } from "#src/store/articles.js";
import type { CategoryStore } from "#src/store/categories.js";
import { articleInputSchema, normalizeArticle, type ArticleInput } from "#src/articles/input.js";
import { parseOrThrow } from "#src/validate.js";
import { NotFoundError, ValidationError } from "#src/errors.js";
import { slugify } from "#src/slug.js";

export type ArticleListener = (change: ArticleChange) => void;
/** Told once per save batch (a single save is a batch of one), with every change it wrote. */
export type ArticleBatchListener = (changes: ArticleChange[]) => void;

export interface ArticleServiceDeps {
  articles: ArticleStore;
  categories: CategoryStore;
  /** Told of every change from the start (the feed caches and WebSub); more may listen through onChange. */
  onChange?: ArticleListener;
  /** Like onChange, once per batch of changes (feed-cache invalidation, WebSub announcements). */
  onChanges?: ArticleBatchListener;
  now?: () => Date;
}

/** The stores a batch save writes to: the service's own, or the same ones over a transaction. */
export interface ArticleStores {
  articles: ArticleStore;
  categories: CategoryStore;
}

/** What a batch save did with one input: saved (created or changed, or not), or refused with the reason. */
export type BatchSaved = { created: boolean; changed: boolean } | { error: unknown };

/** The article as stored after a save, and whether the save created or changed it. */
export interface ArticleSaved {
  article: ArticleWithEngagement;
  created: boolean;
  changed: boolean;
}

export function createArticleService(deps: ArticleServiceDeps) {
  const listeners: ArticleListener[] = deps.onChange ? [deps.onChange] : [];
  const now = deps.now ?? (() => new Date());
  const batchListeners: ArticleBatchListener[] = deps.onChanges ? [deps.onChanges] : [];
  const announce = (changes: ArticleChange[]) => {
    if (!changes.length) return;
    for (const change of changes) for (const listener of listeners) listener(change);
    for (const listener of batchListeners) listener(changes);
  };
  const notify = (change: ArticleChange) => announce([change]);

  /**
   * Saves many inputs (distinct slugs) with a few statements per batch. An invalid input is refused
   * alone; a store failure fails the batch. Listeners are not told: the caller announces the returned
   * changes once they are committed (see `announce`). `bodySanitized`: every body has been through
   * the article rules' sanitize already (partner items, read in the parse worker): it is stored as it is.
   */
  async function saveMany(
    raws: unknown[],
    source: string,
    stores: ArticleStores = deps,
    options: { bodySanitized?: boolean } = {},
  ): Promise<{ outcomes: BatchSaved[]; changes: ArticleChange[] }> {
    const outcomes: BatchSaved[] = raws.map(() => ({ created: false, changed: false }));
    const known = new Map<string, boolean>();
    const valid: { index: number; input: ReturnType<typeof parseInput> }[] = [];
    for (const [index, raw] of raws.entries()) {
      try {
        const input = parseInput(raw);
        if (!known.has(input.category)) known.set(input.category, !!(await stores.categories.get(input.category)));
        if (!known.get(input.category)) throw new ValidationError("article: invalid input", { category: `unknown category "${input.category}"` });
        valid.push({ index, input });
      } catch (error) {
        outcomes[index] = { error };
      }
    }
    const slugs = valid.map(({ input }) => input.slug ?? slugify(input.title));
    const heads = await stores.articles.heads(slugs);
    const at = now();
    const records = valid.map(({ input }, n) => {
      const existing = heads.get(slugs[n]!);
      return normalizeArticle(
        { ...input, slug: slugs[n], publishedAt: input.publishedAt ?? existing?.publishedAt },
        { now: at, source: existing && source === "own" ? existing.source : source, existingId: existing?.id, bodySanitized: options.bodySanitized === true },
      );
    });
    const results = await stores.articles.saveMany(records);
    const changes: ArticleChange[] = [];
    for (const [n, result] of results.entries()) {
      outcomes[valid[n]!.index] = { created: result.created, changed: result.changed };
      if (!result.changed) continue;
      const record = records[n]!;
      changes.push({
        kind: result.created ? "created" : "updated",
        slug: record.slug,
        before: result.before,
        after: { category: record.category, tags: [...new Set(record.tags.map(slugify))], author: authorSlug(record), source: record.source },
      });
    }
    return { outcomes, changes };
  }

  async function save(raw: unknown, source = "own"): Promise<ArticleSaved> {
    const input = parseInput(raw);
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
    saveMany,
    /** Tells the listeners of changes written by `saveMany` (once per batch for batch listeners). */
    announce,

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

    /** Registers a listener called once per batch of changes that was written. */
    onChanges(listener: ArticleBatchListener): void {
      batchListeners.push(listener);
    },
  };
}

export type ArticleService = ReturnType<typeof createArticleService>;

function authorSlug(article: { author: string | null }): string | null {
  return article.author ? slugify(article.author) : null;
}

function parseInput(raw: unknown) {
  return parseOrThrow(articleInputSchema, raw, "article");
}
