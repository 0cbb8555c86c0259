// What an article looks like on the way in (admin API, seed, partner pulls) and its normalization.
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { slugSchema, slugify } from "#src/slug.js";
import { firstWords, sanitizeBody, toPlainText } from "#src/articles/sanitize.js";
import type { ArticleRecord } from "#src/store/articles.js";

const isoDate = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(v) && !Number.isNaN(Date.parse(v)), {
  message: "must be an ISO 8601 date, e.g. 2026-11-24T09:00:00Z",
});

const httpUrl = z.string().refine(
  (v) => {
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { message: "must be an absolute http(s) URL" },
);

/** Plain text, kept exactly as sent (no trimming, no tag stripping): escaped wherever it is shown. */
const plainText = (max: number) => z.string().max(max);
const notBlank = (text: string) => text.trim().length > 0;

export const articleInputSchema = z.object({
  slug: slugSchema.optional(),
  title: plainText(500).refine(notBlank, { message: "required" }),
  summary: plainText(5000).optional(),
  body: z.string().max(2_000_000).default(""),
  author: plainText(200).nullable().optional(),
  category: slugSchema,
  tags: z
    .array(plainText(100).refine(notBlank, { message: "must not be blank" }))
    .max(50)
    .default([]),
  image: z
    .object({
      url: httpUrl,
      alt: plainText(1000).default(""),
      credit: plainText(300).default(""),
      type: z.string().max(100).nullable().optional(),
      length: z.number().int().nonnegative().nullable().optional(),
    })
    .nullable()
    .optional(),
  canonicalUrl: httpUrl.nullable().optional(),
  publishedAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
});

export type ArticleInput = z.input<typeof articleInputSchema>;
export type ParsedArticleInput = z.output<typeof articleInputSchema>;

/**
 * Sanitizes the body (HTML) and fills defaults. Every other text field is plain text and is stored
 * exactly as given: a title such as "The <blink> tag turns 30" or "AT&amp;T" is words, not markup,
 * and the outputs (feeds, emails) escape it. Partner items arrive here already turned into plain
 * text by feeds-in (normalize), so this step leaves them as they are too.
 * `existingId` keeps the feed guid stable across updates. `bodySanitized`: the body has been through
 * `sanitizeBody` already (partner items, in the parse worker) and is kept as it is.
 */
export function normalizeArticle(
  input: ParsedArticleInput,
  context: { now: Date; source: string; existingId?: string | undefined; bodySanitized?: boolean },
): ArticleRecord {
  const body = context.bodySanitized ? input.body : sanitizeBody(input.body);
  const title = input.title;
  const summary = input.summary ?? firstWords(toPlainText(body), 60);
  const publishedAt = input.publishedAt ? new Date(input.publishedAt).toISOString() : context.now.toISOString();
  const content = {
    title,
    summary,
    body,
    author: input.author && notBlank(input.author) ? input.author : null,
    category: input.category,
    tags: distinctTags(input.tags),
    image: input.image
      ? { url: input.image.url, alt: input.image.alt, credit: input.image.credit, type: input.image.type ?? null, length: input.image.length ?? null }
      : null,
    canonicalUrl: input.canonicalUrl ?? null,
    source: context.source,
    publishedAt,
  };
  const contentHash = createHash("sha256")
    .update(JSON.stringify([content, input.updatedAt ?? null]))
    .digest("base64url");
  return {
    ...content,
    id: context.existingId ?? `urn:uuid:${randomUUID()}`,
    slug: input.slug ?? slugify(title),
    updatedAt: input.updatedAt ? new Date(input.updatedAt).toISOString() : context.now.toISOString(),
    contentHash,
  };
}

/** Tags in the order given; two spellings of one tag (same slug: its feed) keep the first. */
function distinctTags(tags: string[]): string[] {
  const bySlug = new Map<string, string>();
  for (const tag of tags) if (!bySlug.has(slugify(tag))) bySlug.set(slugify(tag), tag);
  return [...bySlug.values()];
}
