// Articles, with their author, category, tags and engagement totals. Only place with article SQL.
import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import type { ArticlesTable, Database } from "#src/store/schema.js";
import type { Dialect } from "#src/store/db.js";
import type { Article, ArticlePlacement, ArticleWithEngagement, EngagementEvent } from "#src/model.js";
import { slugify } from "#src/slug.js";

/** A fully normalized article ready to store (see articles/input.ts). */
export interface ArticleRecord extends Omit<Article, "tags"> {
  /** Tag names as given; slugs are derived. */
  tags: string[];
  contentHash: string;
}

export interface ArticleFilter {
  category?: string;
  tag?: string;
  /** Author slug. */
  author?: string;
  source?: string;
  /** Only articles published at or after this time. */
  since?: string;
}

export interface SaveResult {
  created: boolean;
  changed: boolean;
  before: ArticlePlacement | null;
}

type Db = Kysely<Database>;

export function createArticleStore(db: Db, dialect: Dialect) {
  const saveAll = (trx: Transaction<Database>, records: ArticleRecord[]) => saveAllIn(trx, dialect, records);
  return {
    /** Inserts or updates by slug. An unchanged content hash writes nothing. */
    async save(record: ArticleRecord): Promise<SaveResult> {
      return db.transaction().execute(async (trx) => (await saveAll(trx, [record]))[0]!);
    },

    /**
     * Saves many articles (distinct slugs) with a few statements per batch rather than per article:
     * one look-up, multi-row inserts of articles, tags and their links. Inside the caller's transaction
     * when there is one, else in its own. Results are in the order of the records.
     */
    async saveMany(records: ArticleRecord[]): Promise<SaveResult[]> {
      if (!records.length) return [];
      return db.isTransaction ? saveAll(db as Transaction<Database>, records) : db.transaction().execute((trx) => saveAll(trx, records));
    },

    async get(slug: string): Promise<ArticleWithEngagement | undefined> {
      const [article] = await selectArticles(db, { slug });
      if (!article) return undefined;
      const totals = await db
        .selectFrom("engagement")
        .innerJoin("articles", "articles.id", "engagement.article_id")
        .select((eb) => [
          eb.fn.coalesce(eb.fn.sum<number>("views"), eb.lit(0)).as("views"),
          eb.fn.coalesce(eb.fn.sum<number>("shares"), eb.lit(0)).as("shares"),
          eb.fn.coalesce(eb.fn.sum<number>("comments"), eb.lit(0)).as("comments"),
          eb.fn.coalesce(eb.fn.sum<number>("clicks"), eb.lit(0)).as("clicks"),
        ])
        .where("articles.slug", "=", slug)
        .executeTakeFirstOrThrow();
      return {
        ...article,
        engagement: { views: Number(totals.views), shares: Number(totals.shares), comments: Number(totals.comments), clicks: Number(totals.clicks) },
      };
    },

    /** Id, publication time and source of each of these slugs that is stored. */
    async heads(slugs: string[]): Promise<Map<string, { id: string; publishedAt: string; source: string }>> {
      const result = new Map<string, { id: string; publishedAt: string; source: string }>();
      for (const part of chunks([...new Set(slugs)])) {
        const rows = await db.selectFrom("articles").select(["slug", "uid", "published_at", "source"]).where("slug", "in", part).execute();
        for (const row of rows) result.set(row.slug, { id: row.uid, publishedAt: row.published_at, source: row.source });
      }
      return result;
    },

    async remove(slug: string): Promise<ArticlePlacement | null> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom("articles").select("id").where("slug", "=", slug).executeTakeFirst();
        if (!row) return null;
        const placement = await placementOf(trx, row.id);
        await trx.deleteFrom("articles").where("id", "=", row.id).execute();
        return placement;
      });
    },

    /** Newest first (published time, then insertion order). */
    list(filter: ArticleFilter, page: { limit: number; offset: number }): Promise<Article[]> {
      return selectArticles(db, filter, page);
    },

    async count(filter: ArticleFilter): Promise<number> {
      const row = await filtered(db, filter)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Adds each event's counts to what is stored for that article and day. Unknown slugs are returned. */
    async addEngagement(events: EngagementEvent[]): Promise<{ added: number; unknown: string[] }> {
      return db.transaction().execute(async (trx) => {
        const slugs = [...new Set(events.map((e) => e.slug))];
        const rows = slugs.length ? await trx.selectFrom("articles").select(["id", "slug"]).where("slug", "in", slugs).execute() : [];
        const ids = new Map(rows.map((r) => [r.slug, r.id]));
        const unknown = slugs.filter((s) => !ids.has(s));
        if (unknown.length) return { added: 0, unknown };
        for (const e of events) {
          await trx
            .insertInto("engagement")
            .values({ article_id: ids.get(e.slug)!, day: e.day, views: e.views, shares: e.shares, comments: e.comments, clicks: e.clicks })
            .onConflict((oc) =>
              oc.columns(["article_id", "day"]).doUpdateSet((eb) => ({
                views: eb("engagement.views", "+", eb.ref("excluded.views")),
                shares: eb("engagement.shares", "+", eb.ref("excluded.shares")),
                comments: eb("engagement.comments", "+", eb.ref("excluded.comments")),
                clicks: eb("engagement.clicks", "+", eb.ref("excluded.clicks")),
              })),
            )
            .execute();
        }
        return { added: events.length, unknown };
      });
    },

    async authorExists(slug: string): Promise<boolean> {
      return !!(await db.selectFrom("authors").select("id").where("slug", "=", slug).executeTakeFirst());
    },

    async tagExists(slug: string): Promise<boolean> {
      return !!(await db.selectFrom("tags").select("id").where("slug", "=", slug).executeTakeFirst());
    },
  };
}

export type ArticleStore = ReturnType<typeof createArticleStore>;

function filtered(db: Db, filter: ArticleFilter & { slug?: string }) {
  let q = db.selectFrom("articles").innerJoin("categories", "categories.id", "articles.category_id").leftJoin("authors", "authors.id", "articles.author_id");
  if (filter.slug !== undefined) q = q.where("articles.slug", "=", filter.slug);
  if (filter.category !== undefined) q = q.where("categories.slug", "=", filter.category);
  if (filter.author !== undefined) q = q.where("authors.slug", "=", filter.author);
  if (filter.source !== undefined) q = q.where("articles.source", "=", filter.source);
  if (filter.since !== undefined) q = q.where("articles.published_at", ">=", filter.since);
  if (filter.tag !== undefined) {
    const tag = filter.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("article_tags")
          .innerJoin("tags", "tags.id", "article_tags.tag_id")
          .select("article_tags.article_id")
          .whereRef("article_tags.article_id", "=", "articles.id")
          .where("tags.slug", "=", tag),
      ),
    );
  }
  return q;
}

async function selectArticles(
  db: Db,
  filter: ArticleFilter & { slug?: string },
  page: { limit: number; offset: number } = { limit: 1, offset: 0 },
): Promise<Article[]> {
  const rows = await filtered(db, filter)
    .select([
      "articles.id as rowId",
      "articles.uid",
      "articles.slug",
      "articles.title",
      "articles.summary",
      "articles.body",
      (eb) => eb.fn.coalesce("articles.author_name", "authors.name").as("authorName"),
      "categories.slug as categorySlug",
      "articles.image_url",
      "articles.image_alt",
      "articles.image_credit",
      "articles.image_type",
      "articles.image_length",
      "articles.canonical_url",
      "articles.source",
      "articles.published_at",
      "articles.updated_at",
    ])
    .orderBy("articles.published_at", "desc")
    .orderBy("articles.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const tags = await tagNamesOf(
    db,
    rows.map((r) => r.rowId),
  );
  return rows.map((r) => ({
    id: r.uid,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    body: r.body,
    author: r.authorName ?? null,
    category: r.categorySlug,
    tags: tags.get(r.rowId) ?? [],
    image: r.image_url ? { url: r.image_url, alt: r.image_alt ?? "", credit: r.image_credit ?? "", type: r.image_type, length: r.image_length } : null,
    canonicalUrl: r.canonical_url,
    source: r.source,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
  }));
}

/** Tag names of each article, as it was given them and in its order. */
async function tagNamesOf(db: Db, articleIds: number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  for (let i = 0; i < articleIds.length; i += 500) {
    const rows = await db
      .selectFrom("article_tags")
      .innerJoin("tags", "tags.id", "article_tags.tag_id")
      .select((eb) => ["article_tags.article_id", eb.fn.coalesce("article_tags.name", "tags.name").as("name")])
      .where("article_tags.article_id", "in", articleIds.slice(i, i + 500))
      .orderBy("article_tags.position")
      .orderBy("tags.slug")
      .execute();
    for (const row of rows) result.set(row.article_id, [...(result.get(row.article_id) ?? []), row.name]);
  }
  return result;
}

/** Tag slugs of each article, alphabetical; in chunks, so any number of ids fits in one call. */
export async function tagsOf(db: Db | Transaction<Database>, articleIds: number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  for (let i = 0; i < articleIds.length; i += 500) {
    const rows = await db
      .selectFrom("article_tags")
      .innerJoin("tags", "tags.id", "article_tags.tag_id")
      .select(["article_tags.article_id", "tags.slug"])
      .where("article_tags.article_id", "in", articleIds.slice(i, i + 500))
      .orderBy("tags.slug")
      .execute();
    for (const row of rows) result.set(row.article_id, [...(result.get(row.article_id) ?? []), row.slug]);
  }
  return result;
}

async function placementOf(trx: Transaction<Database>, articleId: number): Promise<ArticlePlacement> {
  return (await placementsOf(trx, [articleId])).get(articleId)!;
}

/** Where each of these articles is listed (category, author, source, tag slugs): two look-ups per chunk, whatever their number. */
async function placementsOf(trx: Transaction<Database>, articleIds: number[]): Promise<Map<number, ArticlePlacement>> {
  const result = new Map<number, ArticlePlacement>();
  if (!articleIds.length) return result;
  const tags = await tagsOf(trx, articleIds);
  for (const part of chunks(articleIds)) {
    const rows = await trx
      .selectFrom("articles")
      .innerJoin("categories", "categories.id", "articles.category_id")
      .leftJoin("authors", "authors.id", "articles.author_id")
      .select(["articles.id", "categories.slug as category", "authors.slug as author", "articles.source"])
      .where("articles.id", "in", part)
      .execute();
    for (const row of rows) result.set(row.id, { category: row.category, author: row.author ?? null, source: row.source, tags: tags.get(row.id) ?? [] });
  }
  return result;
}

async function idOfCategory(trx: Transaction<Database>, slug: string): Promise<number> {
  const row = await trx.selectFrom("categories").select("id").where("slug", "=", slug).executeTakeFirst();
  if (!row) throw new Error(`store: unknown category ${slug}`);
  return row.id;
}

/** Stores each author under its slug (the last spelling of a name wins, as when saved one by one); their ids by slug. */
async function upsertAuthors(trx: Transaction<Database>, names: string[]): Promise<Map<string, number>> {
  const bySlug = new Map<string, string>();
  for (const name of names) bySlug.set(slugify(name), name);
  const ids = new Map<string, number>();
  // In slug order, as tags: concurrent batches lock the same rows in the same order (no deadlock on PostgreSQL).
  for (const part of chunks([...bySlug].sort(bySlugOrder))) {
    const stored = await storedOrInserted(trx, "authors", part);
    for (const [slug, row] of stored) ids.set(slug, row.id);
    // Only a new spelling is written: it takes the row's lock until the commit (PostgreSQL).
    const respelled = part.filter(([slug, name]) => stored.get(slug)?.name !== name);
    if (!respelled.length) continue;
    const rows = await trx
      .insertInto("authors")
      .values(respelled.map(([slug, name]) => ({ slug, name })))
      .onConflict((oc) => oc.column("slug").doUpdateSet((eb) => ({ name: eb.ref("excluded.name") })))
      .returning(["id", "slug"])
      .execute();
    for (const row of rows) ids.set(row.slug, row.id);
  }
  return ids;
}

/**
 * The stored row (id, name) of each of these (slug, name) pairs, inserting the slugs not stored yet.
 * Stored rows are read, not upserted: an upsert would lock each row until the commit, and every batch
 * naming the same tag ("World") or author would wait for the one before it (PostgreSQL). A slug
 * another transaction inserted first is skipped by the insert (PostgreSQL waits for that transaction)
 * and read once it is committed.
 */
async function storedOrInserted(
  trx: Transaction<Database>,
  table: "tags" | "authors",
  rows: [string, string][],
): Promise<Map<string, { id: number; name: string }>> {
  const found = new Map<string, { id: number; name: string }>();
  const read = async (slugs: string[]) => {
    for (const row of await trx.selectFrom(table).select(["id", "slug", "name"]).where("slug", "in", slugs).execute()) found.set(row.slug, row);
  };
  await read(rows.map(([slug]) => slug));
  const missing = rows.filter(([slug]) => !found.has(slug));
  if (!missing.length) return found;
  const inserted = await trx
    .insertInto(table)
    .values(missing.map(([slug, name]) => ({ slug, name })))
    .onConflict((oc) => oc.column("slug").doNothing())
    .returning(["id", "slug", "name"])
    .execute();
  for (const row of inserted) found.set(row.slug, row);
  const raced = missing.filter(([slug]) => !found.has(slug)).map(([slug]) => slug);
  if (raced.length) await read(raced);
  return found;
}

const CHUNK = 400;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function saveAllIn(trx: Transaction<Database>, dialect: Dialect, records: ArticleRecord[]): Promise<SaveResult[]> {
  const existing = new Map<string, { id: number; content_hash: string }>();
  for (const part of chunks(records.map((r) => r.slug))) {
    const rows = await trx.selectFrom("articles").select(["id", "slug", "content_hash"]).where("slug", "in", part).execute();
    for (const row of rows) existing.set(row.slug, row);
  }
  const categories = new Map<string, number>();
  const authors = await upsertAuthors(
    trx,
    records.filter((r) => r.author && existing.get(r.slug)?.content_hash !== r.contentHash).map((r) => r.author!),
  );
  // Where the stored articles were listed before this save: one read for the batch.
  const placements = await placementsOf(
    trx,
    [...existing.values()].map((row) => row.id),
  );
  const results: SaveResult[] = [];
  const inserts: { record: ArticleRecord; row: ReturnType<typeof rowOf> }[] = [];
  const written: { id: number; record: ArticleRecord }[] = [];
  for (const record of records) {
    const found = existing.get(record.slug);
    const before = found ? placements.get(found.id)! : null;
    if (found && found.content_hash === record.contentHash) {
      results.push({ created: false, changed: false, before });
      continue;
    }
    if (!categories.has(record.category)) categories.set(record.category, await idOfCategory(trx, record.category));
    const row = rowOf(record, categories.get(record.category)!, record.author ? authors.get(slugify(record.author))! : null);
    if (found) {
      await trx.updateTable("articles").set(row).where("id", "=", found.id).execute();
      written.push({ id: found.id, record });
    } else inserts.push({ record, row });
    results.push({ created: !found, changed: true, before });
  }
  const createdAt = new Date().toISOString();
  for (const part of chunks(inserts)) {
    const values = part.map(({ record, row }) => ({ ...row, uid: record.id, slug: record.slug, created_at: createdAt }));
    const rows =
      dialect === "postgres" ? await insertUnnested(trx, values) : await trx.insertInto("articles").values(values).returning(["id", "slug"]).execute();
    const ids = new Map(rows.map((r) => [r.slug, r.id]));
    for (const { record } of part) written.push({ id: ids.get(record.slug)!, record });
  }
  await replaceTagsOf(trx, written);
  return results;
}

/** Every column an article insert writes, with its PostgreSQL type: the compiler tells when one is missing. */
const ARTICLE_COLUMN_TYPES: Record<Exclude<keyof Insertable<ArticlesTable>, "id">, "text" | "int4"> = {
  uid: "text",
  slug: "text",
  title: "text",
  summary: "text",
  body: "text",
  author_id: "int4",
  author_name: "text",
  category_id: "int4",
  image_url: "text",
  image_alt: "text",
  image_credit: "text",
  image_type: "text",
  image_length: "int4",
  canonical_url: "text",
  source: "text",
  content_hash: "text",
  published_at: "text",
  updated_at: "text",
  created_at: "text",
};
const ARTICLE_COLUMNS = Object.entries(ARTICLE_COLUMN_TYPES) as [keyof typeof ARTICLE_COLUMN_TYPES, string][];

/**
 * PostgreSQL: many articles in one insert with one array parameter a column (`unnest`). A multi-row
 * VALUES list has a parameter a field, and the server parses and plans the whole list for every
 * statement: the arrays' statement is the same text whatever the number of rows, and costs the server
 * about a quarter less CPU an article (74–78 against 54–57 µs, 500 inserts of 50 rows).
 */
async function insertUnnested(trx: Transaction<Database>, values: Insertable<ArticlesTable>[]): Promise<{ id: number; slug: string }[]> {
  const columns = sql.join(ARTICLE_COLUMNS.map(([column]) => sql.ref(column)));
  const arrays = sql.join(ARTICLE_COLUMNS.map(([column, type]) => sql`${values.map((v) => v[column] ?? null)}::${sql.raw(type)}[]`));
  const { rows } = await sql<{ id: number; slug: string }>`insert into articles (${columns}) select * from unnest(${arrays}) returning id, slug`.execute(trx);
  return rows;
}

function bySlugOrder(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function rowOf(record: ArticleRecord, categoryId: number, authorId: number | null) {
  return {
    title: record.title,
    summary: record.summary,
    body: record.body,
    author_id: authorId,
    author_name: record.author,
    category_id: categoryId,
    image_url: record.image?.url ?? null,
    image_alt: record.image?.alt ?? null,
    image_credit: record.image?.credit ?? null,
    image_type: record.image?.type ?? null,
    image_length: record.image?.length ?? null,
    canonical_url: record.canonicalUrl,
    source: record.source,
    content_hash: record.contentHash,
    published_at: record.publishedAt,
    updated_at: record.updatedAt,
  };
}

/** Replaces the tags of each written article: one delete, one tag upsert and one link insert per chunk. */
async function replaceTagsOf(trx: Transaction<Database>, written: { id: number; record: ArticleRecord }[]): Promise<void> {
  for (const part of chunks(written.map((w) => w.id))) await trx.deleteFrom("article_tags").where("article_id", "in", part).execute();
  const links: { articleId: number; slug: string; name: string; position: number }[] = [];
  const tagNames = new Map<string, string>();
  for (const { id, record } of written) {
    const unique = new Map<string, string>();
    for (const name of record.tags) if (!unique.has(slugify(name))) unique.set(slugify(name), name);
    let position = 0;
    for (const [slug, name] of unique) {
      if (!tagNames.has(slug)) tagNames.set(slug, name.trim());
      links.push({ articleId: id, slug, name, position: position++ });
    }
  }
  const tagIds = new Map<string, number>();
  for (const part of chunks([...tagNames].sort(bySlugOrder))) {
    for (const [slug, row] of await storedOrInserted(trx, "tags", part)) tagIds.set(slug, row.id);
  }
  for (const part of chunks(links)) {
    await trx
      .insertInto("article_tags")
      .values(part.map((l) => ({ article_id: l.articleId, tag_id: tagIds.get(l.slug)!, name: l.name, position: l.position })))
      .execute();
  }
}
