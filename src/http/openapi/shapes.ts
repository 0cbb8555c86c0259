// What the API answers, as schemas for the document (requests use the handlers' own schemas).
// Loose objects: an answer may carry more fields than these, never fewer.
import { z } from "zod";
import { FREQUENCIES } from "#src/model.js";

const time = z.iso.datetime({ offset: true });
const nullableTime = time.nullable();
const url = z.url();
const feedUrls = z.looseObject({ rss: url, atom: url, json: url });

export const errorShape = z.looseObject({
  error: z.string().meta({ description: "What went wrong, in words" }),
  fields: z.record(z.string(), z.string()).optional().meta({ description: 'Each bad field with its problem: {"title": "required"}' }),
});

export const categoryShape = z.looseObject({ slug: z.string(), name: z.string(), description: z.string(), feeds: feedUrls });

const image = z.looseObject({
  url,
  alt: z.string(),
  credit: z.string(),
  type: z.string().nullable().optional(),
  length: z.number().int().nullable().optional(),
});
const engagement = z.looseObject({ views: z.number().int(), shares: z.number().int(), comments: z.number().int(), clicks: z.number().int() });

export const articleShape = z.looseObject({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  body: z.string().meta({ description: "Sanitized HTML" }),
  author: z.string().nullable(),
  category: z.string(),
  tags: z.array(z.string()),
  image: image.nullable(),
  canonicalUrl: url.nullable(),
  source: z.string().meta({ description: '"own", or the slug of the partner the article came from' }),
  publishedAt: time,
  updatedAt: time,
  engagement: engagement.optional(),
});

const health = z.looseObject({
  lastPullAt: nullableTime,
  lastStatus: z.enum(["ok", "not_modified", "error"]).nullable(),
  lastError: z.string().nullable(),
  errorCount: z.number().int(),
  nextPullAt: nullableTime,
  items: z.number().int().meta({ description: "Items accepted from the last successful (non-304) pull, new or unchanged" }),
  failingSince: nullableTime,
  healthy: z.boolean(),
  learnedIntervalMinutes: z
    .number()
    .int()
    .nullable()
    .meta({ description: "Median gap between the recent items' publication dates, in minutes; null while unknown (fewer than three dated items)" }),
  itemsPerDay: z.number().nullable().meta({ description: "Dated items per day over the last 7 days (or the feed's shorter span); null while unknown" }),
  lastNewItemAt: nullableTime.meta({ description: "Publication time of the newest new item (the pull time when undated); null before any" }),
  feedTtlMinutes: z.number().int().nullable().meta({
    description: "The <ttl> of the last document read, in whole minutes (rounded up); also honoured after a 304; null when it had none",
  }),
  feedUpdatePeriodMinutes: z.number().int().nullable().meta({
    description:
      "sy:updatePeriod / sy:updateFrequency of the last document read, in whole minutes, before the partner's bounds (applied at each pull); also honoured after a 304; null when it had none",
  }),
});
const push = z
  .looseObject({
    state: z.enum(["pending", "active", "denied", "unsubscribing", "unsubscribed"]),
    hub: z.string(),
    topic: z.string(),
    leaseExpiresAt: nullableTime,
    lastPushAt: nullableTime,
    lastError: z.string().nullable(),
    verifiedAt: nullableTime.meta({ description: "When the hub first verified the subscription" }),
    missedItems: z.number().int().meta({
      description:
        "New items the safety-net pulls found since the last signed push (or the verification) that the hub should have pushed: published after the verification and at least 30 minutes before the pull",
    }),
    warning: z.string().nullable().meta({
      description:
        'Set while missedItems is above 0 on an active subscription: the hub verified but is not pushing ("hub … verified the subscription but sent nothing in 7 hours while polling found 3 new items")',
    }),
  })
  .nullable()
  .meta({ description: "The partner's WebSub subscription (its newest), or null when its feed names no hub" });
const skipped = z.looseObject({ item: z.string(), reason: z.string() });

export const partnerShape = z.looseObject({
  slug: z.string(),
  name: z.string(),
  url: z.string().nullable(),
  category: z.string().nullable(),
  categoryMap: z.record(z.string(), z.string()),
  intervalMinutes: z.number().int(),
  minIntervalMinutes: z.number().int(),
  maxIntervalMinutes: z.number().int(),
  fullContent: z.boolean(),
  enabled: z.boolean(),
  allowPrivateNetwork: z.boolean(),
  origin: z.enum(["file", "api"]),
  // The list of partners shows push state too; a saved partner's answer leaves it out.
  health: health.extend({ push: push.optional() }),
});
export const partnerDetailShape = partnerShape.extend({ skipped: z.array(skipped), health: health.extend({ push }) });
export const partnerPullShape = partnerShape.extend({
  pull: z.looseObject({
    status: z.enum(["ok", "not_modified", "error"]),
    new: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.array(skipped),
    errors: z.array(z.string()),
  }),
});
export const issuedKeyShape = z.looseObject({ key: z.string().meta({ description: "Shown once, never again" }), prefix: z.string() });
export const keyListShape = z.looseObject({
  keys: z.array(
    z.looseObject({
      prefix: z.string(),
      createdAt: time,
      revokedAt: nullableTime,
      requests: z.record(z.iso.date(), z.number().int()).meta({ description: 'Requests per UTC day: {"2026-11-25": 12}' }),
    }),
  ),
});
export const feedStatsShape = z.looseObject({
  since: z.iso.date(),
  feeds: z.array(z.looseObject({ path: z.string(), day: z.iso.date(), requests: z.number().int(), notModified: z.number().int() })),
});

const status = z.enum(["pending", "active", "unsubscribed", "suppressed"]);
export const subscriberShape = z.looseObject({
  email: z.string(),
  status,
  categories: z.array(z.string()),
  frequency: z.enum(FREQUENCIES),
  timezone: z.string(),
  sendHour: z.number().int(),
  consent: z.looseObject({
    at: nullableTime,
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    source: z.string().nullable(),
    confirmedAt: nullableTime,
  }),
  unsubscribedAt: nullableTime,
  bounceCount: z.number().int(),
  createdAt: time,
  updatedAt: time,
});
export const subscriberPageShape = z.looseObject({
  counts: z.looseObject({
    total: z.number().int(),
    status: z.record(status, z.number().int()),
    category: z.record(z.string(), z.number().int()).meta({ description: "Active subscribers per category" }),
    frequency: z.record(z.enum(FREQUENCIES), z.number().int()).meta({ description: "Active subscribers per frequency" }),
  }),
  page: z.number().int(),
  pageSize: z.number().int(),
  subscribers: z.array(subscriberShape),
});
export const importReportShape = z.looseObject({
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.looseObject({ index: z.number().int(), email: z.string().nullable(), error: z.string(), fields: z.record(z.string(), z.string()) })),
});
export const csvImportReportShape = z.looseObject({
  dryRun: z.boolean(),
  rows: z.number().int(),
  counts: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    invalid: z.number().int(),
    keptSuppressed: z.number().int(),
  }),
  errors: z.array(z.looseObject({ line: z.number().int(), email: z.string().nullable(), error: z.string(), fields: z.record(z.string(), z.string()) })),
  moreErrors: z.number().int(),
});

const counts = z.looseObject({ pending: z.number().int(), sent: z.number().int(), skipped: z.number().int(), failed: z.number().int() });
export const editionShape = z.looseObject({
  id: z.number().int(),
  frequency: z.enum(FREQUENCIES),
  period: z.string(),
  trigger: z.string(),
  status: z.enum(["running", "done"]),
  createdAt: time,
  finishedAt: nullableTime,
  counts,
});
export const editionDetailShape = editionShape.extend({
  failures: z.array(z.looseObject({ email: z.string(), attempts: z.number().int(), error: z.string().nullable(), at: time })),
});

export const healthShape = z.looseObject({
  status: z.enum(["ok", "unavailable"]),
  database: z.looseObject({ ok: z.boolean(), detail: z.string().optional() }),
  queue: z.looseObject({ ok: z.boolean(), detail: z.string().optional() }),
});

const author = z.looseObject({ name: z.string(), url: z.string().optional() });
/** JSON Feed 1.1 as Dispatch writes it (`_media` and `_dispatch` are its extensions). */
export const jsonFeedShape = z.looseObject({
  version: z.literal("https://jsonfeed.org/version/1.1"),
  title: z.string(),
  home_page_url: url,
  feed_url: url,
  description: z.string().optional(),
  icon: z.string().optional(),
  favicon: z.string().optional(),
  language: z.string().optional(),
  authors: z.array(author).optional(),
  next_url: url.optional().meta({ description: "The next (older) page" }),
  hubs: z.array(z.looseObject({ type: z.string(), url })).optional(),
  items: z.array(
    z.looseObject({
      id: z.string(),
      url: z.string(),
      title: z.string(),
      summary: z.string().optional(),
      content_html: z.string().optional().meta({ description: "Full content: partner feeds with full content" }),
      content_text: z.string().optional(),
      image: z.string().optional(),
      date_published: time,
      date_modified: time,
      authors: z.array(author).optional(),
      tags: z.array(z.string()),
      attachments: z
        .array(z.looseObject({ url: z.string(), mime_type: z.string().nullable().optional(), size_in_bytes: z.number().int().optional() }))
        .optional(),
      _media: z.looseObject({ credit: z.string(), alt: z.string() }).optional(),
      _dispatch: z.looseObject({ category: z.string() }),
    }),
  ),
});

const relatedItem = z.looseObject({
  title: z.string(),
  url: url.meta({ description: "The story's canonicalUrl, else its page /articles/{slug}; absolute" }),
  image: z.looseObject({ url, alt: z.string(), credit: z.string() }).nullable(),
  category: z.looseObject({ slug: z.string(), name: z.string() }),
  publishedAt: time,
});
export const relatedStoriesShape = z.looseObject({
  readAlso: z.array(relatedItem).meta({ description: "The closest related stories (2)" }),
  youMayAlsoLike: z.array(relatedItem).meta({ description: "More related stories, then the category's top stories, then the site's (`limit`, default 4)" }),
});
