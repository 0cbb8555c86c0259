// Table types for kysely. Times are ISO 8601 UTC text on both backends (sortable, identical),
// booleans are 0/1 integers, lists and maps are JSON text.
import type { Generated, Updateable } from "kysely";
import type { Frequency, SubscriberStatus } from "#src/model.js";

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
  /** The author's name as this article gives it (authors are shared by slug); null on older rows. */
  author_name: string | null;
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
  /** The tag's name as this article gives it; null on older rows. */
  name: string | null;
  /** Its place in the article's list of tags. */
  position: Generated<number>;
}

export interface EngagementTable {
  article_id: number;
  day: string;
  views: number;
  shares: number;
  comments: number;
  /** Digest links followed (GET /r/{token}), deduplicated per link and client for a short window. */
  clicks: Generated<number>;
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
  failing_since: string | null;
  min_interval_minutes: Generated<number>;
  max_interval_minutes: Generated<number>;
  learned_interval_minutes: number | null;
  items_per_day: number | null;
  last_new_item_at: string | null;
  feed_ttl_minutes: number | null;
  feed_update_period_minutes: number | null;
}

export interface PartnerItemsTable {
  id: Generated<number>;
  partner_slug: string;
  /** The entry's stable id: guid/id, else its link, else a hash of its content. */
  item_id: string;
  canonical_url: string | null;
  article_slug: string;
  /** Hash of the normalized entry: the same entry seen again writes nothing. */
  content_hash: string;
  first_seen_at: string;
  last_seen_at: string;
}

export interface PartnerSkippedTable {
  id: Generated<number>;
  partner_slug: string;
  /** What identifies the entry to a person: its id, link or position. */
  item: string;
  reason: string;
  seen_at: string;
}

export interface SubscribersTable {
  id: Generated<number>;
  /** Normalized: trimmed, domain lower-cased. Unique. */
  email: string;
  status: SubscriberStatus;
  /** JSON array of category slugs. */
  categories: string;
  frequency: Frequency;
  /** IANA name, e.g. "America/Chicago". */
  timezone: string;
  /** Local hour 0–23 the digest goes out. */
  send_hour: Generated<number>;
  consent_at: string | null;
  consent_ip: string | null;
  consent_user_agent: string | null;
  /** "form", or where an imported list came from. */
  consent_source: string | null;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  bounce_count: Generated<number>;
  /** Part of every token: bumping it invalidates every link sent before. */
  token_version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface EditionsTable {
  id: Generated<number>;
  key: string;
  frequency: string;
  period: string;
  trigger: string;
  created_at: string;
  finished_at: string | null;
}

export interface DeliveriesTable {
  id: Generated<number>;
  edition_id: number;
  subscriber_id: number;
  /** pending → sending → sent | skipped | failed */
  state: string;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string;
  lease_until: string | null;
  claimed_by: string | null;
  message_id: string | null;
  article_ids: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
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

export interface AdminSessionRevocationsTable {
  session_id: string;
  expires_at: string;
}

export interface WebhookEventsTable {
  provider: string;
  /** The provider's id of the report (with the recipient where one report names several). */
  event_id: string;
  subscriber_id: number | null;
  /** "bounce" (hard), "soft-bounce", "complaint" or "unsubscribe". */
  kind: string;
  /** Our Message-ID, where the provider echoes it. */
  message_id: string | null;
  edition_id: number | null;
  received_at: string;
}

export interface WebhookTokensTable {
  provider: string;
  token: string;
  seen_at: string;
}

/** An erased subscriber's address, as a keyed hash only. */
export interface ErasedAddressesTable {
  hash: string;
  erased_at: string;
}

export interface WebsubSubscriptionsTable {
  id: string;
  partner_slug: string;
  topic: string;
  hub: string;
  secret: string;
  state: string;
  lease_seconds: number | null;
  lease_expires_at: string | null;
  last_push_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  verified_at: string | null;
  missed_items: Generated<number>;
  missed_at: string | null;
}

export interface Database {
  websub_subscriptions: WebsubSubscriptionsTable;
  erased_addresses: ErasedAddressesTable;
  webhook_events: WebhookEventsTable;
  webhook_tokens: WebhookTokensTable;
  admin_session_revocations: AdminSessionRevocationsTable;
  subscribers: SubscribersTable;
  editions: EditionsTable;
  deliveries: DeliveriesTable;
  partners: PartnersTable;
  partner_items: PartnerItemsTable;
  partner_skipped: PartnerSkippedTable;
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
