// Categories. Only place with category SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Category } from "#src/model.js";

export function createCategoryStore(db: Kysely<Database>) {
  return {
    /** Creates or updates by slug; returns whether it was new. */
    async upsert(input: { slug: string; name: string; description: string }, now: string): Promise<{ created: boolean }> {
      const existing = await db.selectFrom("categories").select("id").where("slug", "=", input.slug).executeTakeFirst();
      await db
        .insertInto("categories")
        .values({ ...input, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("slug").doUpdateSet({ name: input.name, description: input.description, updated_at: now }))
        .execute();
      return { created: !existing };
    },

    async list(): Promise<Category[]> {
      const rows = await db.selectFrom("categories").selectAll().orderBy("name").execute();
      return rows.map(toCategory);
    },

    /** Category names by slug, for labels. */
    async names(): Promise<Map<string, string>> {
      const rows = await db.selectFrom("categories").select(["slug", "name"]).orderBy("name").execute();
      return new Map(rows.map((r) => [r.slug, r.name]));
    },

    async get(slug: string): Promise<Category | undefined> {
      const row = await db.selectFrom("categories").selectAll().where("slug", "=", slug).executeTakeFirst();
      return row ? toCategory(row) : undefined;
    },
  };
}

export type CategoryStore = ReturnType<typeof createCategoryStore>;

function toCategory(row: { slug: string; name: string; description: string; updated_at: string }): Category {
  return { slug: row.slug, name: row.name, description: row.description, updatedAt: row.updated_at };
}
