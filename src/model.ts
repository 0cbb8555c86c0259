// Shared data types, declared once. Times are ISO 8601 UTC strings ("2026-11-24T09:00:00.000Z").

export interface Category {
  slug: string;
  name: string;
  description: string;
  updatedAt: string;
}

export interface LeadImage {
  url: string;
  alt: string;
  /** Who to credit: "Reuters", shown as "Photo: Reuters". */
  credit: string;
  /** MIME type and byte length, when known (RSS enclosures want both). */
  type?: string | null;
  length?: number | null;
}

export interface Engagement {
  views: number;
  shares: number;
  comments: number;
  /** Follows of digest links (/r/{token}) and any the newsroom reports. */
  clicks: number;
}

/** "own" for the newsroom's articles, otherwise the slug of the partner it came from. */
export type ArticleSource = string;

export interface Article {
  /** Stable id used as the feed guid: never changes when the article is edited. */
  id: string;
  slug: string;
  title: string;
  summary: string;
  /** Sanitized HTML. */
  body: string;
  author: string | null;
  /** Category slug. */
  category: string;
  /** Tag names, as given and in their order; slugify(name) addresses the tag's feeds. */
  tags: string[];
  image: LeadImage | null;
  canonicalUrl: string | null;
  source: ArticleSource;
  publishedAt: string;
  updatedAt: string;
}

export interface ArticleWithEngagement extends Article {
  engagement: Engagement;
}

/** Where an article shows up: enough to know which feeds a change touches. */
export interface ArticlePlacement {
  category: string;
  /** Tag slugs. */
  tags: string[];
  author: string | null;
  source: ArticleSource;
}

export interface ArticleChange {
  kind: "created" | "updated" | "deleted";
  slug: string;
  before: ArticlePlacement | null;
  after: ArticlePlacement | null;
}

export interface EngagementEvent extends Engagement {
  slug: string;
  /** YYYY-MM-DD */
  day: string;
}

export interface PartnerHealth {
  lastPullAt: string | null;
  /** "ok", "not_modified", "error", or null before the first pull. */
  lastStatus: string | null;
  lastError: string | null;
  errorCount: number;
  nextPullAt: string | null;
  /** Items accepted from the last successful (non-304) pull, new or unchanged. */
  items: number;
  /** When the current run of failures began; null while pulls succeed. */
  failingSince: string | null;
  /** False once a partner has failed for longer than the unhealthy threshold. */
  healthy: boolean;
  /** The median gap between its recent items' publication dates, in minutes; null while unknown. */
  learnedIntervalMinutes: number | null;
  /** Dated items per day over the last 7 days (or the feed's shorter span); null while unknown. */
  itemsPerDay: number | null;
  /** When its newest new item was published (or first seen, when undated); null before any. */
  lastNewItemAt: string | null;
  /** The <ttl> of the last document read, in whole minutes (rounded up); null when it had none. */
  feedTtlMinutes: number | null;
  /** The sy:updatePeriod / sy:updateFrequency of the last document read, in whole minutes, before the partner's bounds; null when it had none. */
  feedUpdatePeriodMinutes: number | null;
}

export interface Partner {
  slug: string;
  name: string;
  /** Feed URL we pull; null for a partner that only pulls our feeds. */
  url: string | null;
  /** Our default category for its items. */
  category: string | null;
  categoryMap: Record<string, string>;
  /** Minutes between pulls while the partner's pace is unknown. */
  intervalMinutes: number;
  /** Bounds on the learned pace: never polled more often / less often than these. */
  minIntervalMinutes: number;
  maxIntervalMinutes: number;
  fullContent: boolean;
  enabled: boolean;
  allowPrivateNetwork: boolean;
  origin: "file" | "api";
  health: PartnerHealth;
}

/** A partner's polling bounds when its definition names none. */
export const DEFAULT_INTERVAL_BOUNDS = { minIntervalMinutes: 5, maxIntervalMinutes: 24 * 60 } as const;

/** What defines a partner; the polling bounds default to DEFAULT_INTERVAL_BOUNDS. */
export type PartnerInput = Omit<Partner, "health" | "origin" | "minIntervalMinutes" | "maxIntervalMinutes"> &
  Partial<Pick<Partner, "minIntervalMinutes" | "maxIntervalMinutes">>;

export type SubscriberStatus = "pending" | "active" | "unsubscribed" | "suppressed";
/** How often a subscriber gets a digest; the list is the one place the choices are named. */
export const FREQUENCIES = ["daily", "weekly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** What a subscriber chose: the part they can change on the preferences page. */
export interface SubscriberChoices {
  categories: string[];
  frequency: Frequency;
  /** IANA name. */
  timezone: string;
  /** Local hour 0–23. */
  sendHour: number;
}

export interface Consent {
  at: string | null;
  ip: string | null;
  userAgent: string | null;
  /** "form", or where an imported list came from. */
  source: string | null;
  confirmedAt: string | null;
}

export interface Subscriber extends SubscriberChoices {
  id: number;
  /** Normalized: trimmed, domain lower-cased. */
  email: string;
  status: SubscriberStatus;
  consent: Consent;
  unsubscribedAt: string | null;
  bounceCount: number;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

// The digest engine's records, as the store hands them over (digest/ports.ts names the methods).

export type DeliveryState = "pending" | "sending" | "sent" | "skipped" | "failed";
export type EditionCounts = Record<DeliveryState, number>;

export interface EditionRow {
  id: number;
  key: string;
  frequency: Frequency;
  period: string;
  trigger: string;
  createdAt: string;
  finishedAt: string | null;
  counts: EditionCounts;
}

/** A delivery claimed by a worker, with what its digest needs of the subscriber. */
export interface ClaimedDelivery {
  deliveryId: number;
  editionId: number;
  subscriberId: number;
  email: string;
  categories: string[];
  frequency: Frequency;
  timezone: string;
  tokenVersion: number;
  attempts: number;
  /** Fixed at first composition; null until then. */
  articleIds: number[] | null;
}

/** One subscriber's delivery within an edition ("view in browser", tests). */
export interface DeliveryRecord {
  id: number;
  state: DeliveryState;
  /** The stories recorded at composition; null until then. */
  articleIds: number[] | null;
  messageId: string | null;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface DeliveryFailure {
  email: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

/** What a subscriber was sent within the digest window. */
export interface SendHistory {
  sent: Set<number>;
  lastSentAt: string | null;
}

/** An active subscriber as the schedule sees them. */
export interface AudienceMember {
  id: number;
  timezone: string;
  sendHour: number;
}

/** A subscriber as a digest addresses them. */
export interface Recipient {
  id: number;
  email: string;
  status: SubscriberStatus;
  categories: string[];
  frequency: Frequency;
  timezone: string;
  tokenVersion: number;
}

/** A recent article with its engagement totals and tags: the digest's raw material. */
export interface CandidateRow {
  articleId: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  author: string | null;
  canonicalUrl: string | null;
  imageUrl: string | null;
  imageAlt: string | null;
  imageCredit: string | null;
  publishedAt: string;
  views: number;
  shares: number;
  comments: number;
  /** Digest links followed (deduplicated), summed over the days. */
  clicks: number;
  tags: string[];
}

/** A mail provider's report about an address, kept by its id so the same report twice counts once. */
export interface ReportRecord {
  /** "api" for POST /api/bounces, else the provider's name. */
  provider: string;
  eventId: string;
  subscriberId: number | null;
  kind: string;
  messageId: string | null;
  editionId: number | null;
  at: string;
}
