import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import type { Store } from "#src/store/index.js";
import { createCategoryService, type CategoryService } from "#src/articles/categories.js";

describe.each(BACKENDS)("category service on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let categories: CategoryService;
  let feedsDropped = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    categories = createCategoryService({ categories: store.categories, feedsChanged: () => feedsDropped++ });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("creates a category, then updates it by slug, dropping the feeds each time", async () => {
    const before = feedsDropped;
    const first = await categories.upsert({ slug: "science", name: "Science", description: "" });
    expect(first).toMatchObject({ created: true, category: { slug: "science", name: "Science" } });
    const second = await categories.upsert({ slug: "science", name: "Science & Tech", description: "Labs." });
    expect(second).toMatchObject({ created: false, category: { slug: "science", name: "Science & Tech", description: "Labs." } });
    expect(feedsDropped).toBe(before + 2);
    expect((await categories.list()).map((c) => c.slug)).toContain("science");
    expect(await categories.get("missing")).toBeUndefined();
    expect((await store.categories.names()).get("science")).toBe("Science & Tech");
  });
});
