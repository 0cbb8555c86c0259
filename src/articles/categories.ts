// Categories: the list, and create-or-update by slug (which changes every feed that shows the name).
import type { Category } from "#src/model.js";
import type { CategoryStore } from "#src/store/categories.js";

export interface CategoryInput {
  slug: string;
  name: string;
  description: string;
}

export interface CategoryServiceDeps {
  categories: CategoryStore;
  /** Drops every rendered feed (a category's name or description shows in many of them). */
  feedsChanged: () => void;
  now?: () => Date;
}

export function createCategoryService(deps: CategoryServiceDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    list: (): Promise<Category[]> => deps.categories.list(),
    get: (slug: string): Promise<Category | undefined> => deps.categories.get(slug),

    /** Creates or updates by slug, then drops the feeds that show it. */
    async upsert(input: CategoryInput): Promise<{ category: Category; created: boolean }> {
      const { created } = await deps.categories.upsert(input, now().toISOString());
      deps.feedsChanged();
      return { category: (await deps.categories.get(input.slug))!, created };
    },
  };
}

export type CategoryService = ReturnType<typeof createCategoryService>;
