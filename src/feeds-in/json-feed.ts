// JSON Feed 1.0 and 1.1 (https://jsonfeed.org) → the loose shape rss-parser gives for XML feeds, so
// one normalize step serves every format. Checked with zod, leniently: a field of the wrong type is
// dropped, not the feed; a feed without an items array, or with another format's version, is refused.
// Titles, summaries, content_text, author names and tags are plain text in JSON Feed: they are escaped
// here so that normalize, which reads HTML, shows them exactly as written.
import { escapeUTF8 } from "entities";
import { z } from "zod";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import { MAX_ITEMS_PER_PULL } from "#src/feeds-in/normalize.js";
import type { RawFeed, RawItem } from "#src/feeds-in/raw.js";

const text = z.string().optional().catch(undefined);
const author = z.object({ name: text }).catch({ name: undefined });
const authors = z.array(author).optional().catch(undefined);
const attachment = z
  .object({ url: z.string(), mime_type: text, size_in_bytes: z.number().optional().catch(undefined) })
  .nullable()
  .catch(null);

const itemSchema = z
  .object({
    id: z
      .union([z.string(), z.number().transform(String)])
      .optional()
      .catch(undefined),
    url: text,
    external_url: text,
    title: text,
    content_html: text,
    content_text: text,
    summary: text,
    image: text,
    banner_image: text,
    date_published: text,
    date_modified: text,
    author: author.optional().catch(undefined),
    authors,
    tags: z.array(z.string().nullable().catch(null)).optional().catch(undefined),
    attachments: z.array(attachment).optional().catch(undefined),
  })
  .nullable()
  .catch(null);

const feedSchema = z.object({
  version: z
    .string()
    .regex(/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/, { message: "is not a jsonfeed.org version" })
    .optional(),
  items: z.array(z.unknown(), { message: "must be an array" }),
  author: author.optional().catch(undefined),
  authors,
});

type JsonItem = NonNullable<z.output<typeof itemSchema>>;
type JsonAuthor = z.output<typeof author>;

export function jsonFeedToRaw(data: unknown): RawFeed {
  const parsed = feedSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PartnerPullError("parse", `JSON, but not a JSON Feed: ${issue.path.join(".") || "the document"} ${issue.message}`);
  }
  const feed = parsed.data;
  const feedAuthors = feed.authors ?? (feed.author ? [feed.author] : []);
  // Entries past the per-pull limit are never read: they are counted, not checked.
  const items = feed.items.map((raw, index) => {
    const item = index < MAX_ITEMS_PER_PULL ? itemSchema.parse(raw) : null;
    return item ? toRawItem(item, feedAuthors) : {};
  });
  return { items };
}

function toRawItem(item: JsonItem, feedAuthors: JsonAuthor[]): RawItem {
  const names = (item.authors ?? (item.author ? [item.author] : feedAuthors)).map((a) => a.name?.trim()).filter(Boolean);
  const image = item.image ?? item.banner_image;
  return {
    id: item.id,
    title: plain(item.title),
    link: item.url ?? item.external_url,
    "content:encoded": item.content_html ?? (item.content_text === undefined ? undefined : paragraphs(item.content_text)),
    summary: plain(item.summary),
    pubDate: item.date_published,
    updated: item.date_modified,
    creator: names.length ? escapeUTF8(names.join(", ")) : undefined,
    categories: item.tags?.filter((t): t is string => !!t).map(escapeUTF8),
    mediaContent: image ? [{ url: image, medium: "image" }] : undefined,
    enclosure: item.attachments
      ?.filter((a) => a !== null)
      .map((a) => ({ url: a.url, type: a.mime_type, length: a.size_in_bytes === undefined ? undefined : String(a.size_in_bytes) })),
  };
}

function plain(value: string | undefined): string | undefined {
  return value === undefined ? undefined : escapeUTF8(value);
}

/** Plain text as HTML paragraphs: a blank line starts a paragraph, a line break stays one. */
function paragraphs(value: string): string {
  return value
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeUTF8(p).replace(/\r?\n/g, "<br>")}</p>`)
    .join("");
}
