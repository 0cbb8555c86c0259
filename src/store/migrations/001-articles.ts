import type { Kysely } from "kysely";
import { idColumn, type MigrationFactory } from "#src/store/migrations/helpers.js";

export const articles: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("categories")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("authors")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("tags")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("articles")
      .addColumn("id", idColumn(dialect), (c) => c.primaryKey().$call((b) => (dialect === "sqlite" ? b.autoIncrement() : b)))
      .addColumn("uid", "text", (c) => c.notNull().unique())
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("author_id", "integer", (c) => c.references("authors.id").onDelete("set null"))
      .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id"))
      .addColumn("image_url", "text")
      .addColumn("image_alt", "text")
      .addColumn("image_credit", "text")
      .addColumn("image_type", "text")
      .addColumn("image_length", "integer")
      .addColumn("canonical_url", "text")
      .addColumn("source", "text", (c) => c.notNull().defaultTo("own"))
      .addColumn("content_hash", "text", (c) => c.notNull())
      .addColumn("published_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("articles_published").on("articles").columns(["published_at", "id"]).execute();
    await db.schema.createIndex("articles_category_published").on("articles").columns(["category_id", "published_at"]).execute();
    await db.schema.createIndex("articles_author_published").on("articles").columns(["author_id", "published_at"]).execute();
    await db.schema.createIndex("articles_source").on("articles").columns(["source", "published_at"]).execute();
    await db.schema
      .createTable("article_tags")
      .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
      .addColumn("tag_id", "integer", (c) => c.notNull().references("tags.id").onDelete("cascade"))
      .addPrimaryKeyConstraint("article_tags_pk", ["article_id", "tag_id"])
      .execute();
    await db.schema.createIndex("article_tags_tag").on("article_tags").columns(["tag_id", "article_id"]).execute();
    await db.schema
      .createTable("engagement")
      .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("views", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("shares", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("comments", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("engagement_pk", ["article_id", "day"])
      .execute();
  },
});
