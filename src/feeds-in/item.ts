// A partner entry after normalize (and, once sanitized, ready to save): our words, plain values.
import type { Article } from "#src/model.js";

/**
 * The article's own fields, filled from the entry: body is the full content when the partner
 * allows it, otherwise its description; tags are the entry's own categories.
 */
export interface PartnerItem extends Pick<Article, "title" | "summary" | "body" | "author" | "category" | "tags" | "image"> {
  /** guid/id, else the link, else a hash of the content: stable across pulls. */
  itemId: string;
  /** Absolute http(s) link to the partner's page, tracking parameters removed. */
  link: string | null;
  /** No other entry of the feed has this link: a stored entry with the same link is this one (re-issued id). */
  uniqueLink: boolean;
  /** Where the entry's relative URLs resolve: its own xml:base, else the feed's base. */
  base: string | undefined;
  /** Null when the entry had no usable date: the fetch time is used on first save, then kept. */
  publishedAt: string | null;
}

export interface Skipped {
  /** What identifies the entry to a person: its id, link, or position in the feed. */
  item: string;
  reason: string;
}
