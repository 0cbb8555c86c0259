// Table types for kysely. Times are ISO 8601 UTC text on both backends (sortable, identical),
// booleans are 0/1 integers, lists and maps are JSON text.
import type { Generated, Updateable } from "kysely";

export type PartnerUpdate = Updateable<PartnersTable>;

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface AuthorsTable {
  id: Generated<number>;
  slug: string;
  name: string;
}

export interface TagsTable {
  id: Generated<number>;
  slug: string;
  name: string;
}

export interface ArticlesTable {
  id: Generated<number>;
  /** Stable public id (feed guid). */
  uid: string;
  slug: string;
  title: string;
  summary: string;
  body: string;
  author_id: number | null;
  category_id: number;
  image_url: string | null;
  image_alt: string | null;
  image_credit: string | null;
  image_type: string | null;
  image_length: number | null;
  canonical_url: string | null;
  source: string;
  /** Hash of the stored content: an identical re-save writes nothing. */
  content_hash: string;
  published_at: string;
  updated_at: string;
  created_at: string;
}

export interface ArticleTagsTable {
  article_id: number;
  tag_id: number;
}

export interface EngagementTable {
  article_id: number;
  day: string;
  views: number;
  shares: number;
  comments: number;
}

export interface PartnersTable {
  id: Generated<number>;
  slug: string;
  name: string;
  /** Feed URL we pull from; null for a partner that only pulls our feeds. */
  url: string | null;
  /** Our default category for its items. */
  category: string | null;
  /** JSON: {"their category": "our-category-slug"}. */
  category_map: string;
  interval_minutes: number;
  full_content: number;
  enabled: number;
  allow_private_network: number;
  /** "file" (PARTNERS_DIR) or "api". */
  origin: string;
  created_at: string;
  updated_at: string;
  last_pull_at: string | null;
  last_status: string | null;
  last_error: string | null;
  error_count: Generated<number>;
  next_pull_at: string | null;
  items: Generated<number>;
  etag: string | null;
  last_modified: string | null;
}

export interface PartnerKeysTable {
  id: Generated<number>;
  partner_id: number;
  /** Public part of the key, shown in lists and used to revoke it. */
  prefix: string;
  /** sha256 of the whole key (hex); the key itself is never stored. */
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface PartnerKeyRequestsTable {
  key_id: number;
  day: string;
  requests: number;
}

export interface FeedStatsTable {
  /** Request path without the query ("/feeds/us-news.rss"). */
  path: string;
  day: string;
  requests: number;
  not_modified: number;
}

export interface Database {
  partners: PartnersTable;
  categories: CategoriesTable;
  authors: AuthorsTable;
  tags: TagsTable;
  articles: ArticlesTable;
  article_tags: ArticleTagsTable;
  engagement: EngagementTable;
  partner_keys: PartnerKeysTable;
  partner_key_requests: PartnerKeyRequestsTable;
  feed_stats: FeedStatsTable;
}
