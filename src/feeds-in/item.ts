// A partner entry after normalize (and, once sanitized, ready to save): our words, plain values.
import type { Article } from "#src/model.js";
import { hash } from "#src/feeds-in/hash.js";

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

/**
 * An item ready to save (see read.ts): its body is the one the article is stored with (partner rules,
 * then the article rules), and `contentHash` is the partner-sanitized item's (what partner_items holds).
 */
export interface ReadyItem extends PartnerItem {
  contentHash: string;
}

/** What tells a changed entry from an unchanged one. The fetch time stands in for a missing date; it must not make an unchanged entry look changed. */
export function contentHashOf(item: PartnerItem): string {
  return hash([
    item.title,
    item.link,
    item.summary,
    item.body,
    item.author,
    item.category,
    item.image,
    item.publishedAt,
    ...(item.tags.length ? [[...item.tags].sort()] : []),
  ]);
}
