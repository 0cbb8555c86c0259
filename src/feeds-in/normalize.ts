// The normalize step: rss-parser's loose output → PartnerItems in our words (ids, plain-text titles,
// absolute links, dates, author, mapped category, image with the partner as credit), or skipped
// entries with their reason. Pure: a function of the feed, the partner and the fetch time.
import { firstWords, toPlainText } from "#src/articles/sanitize.js";
import type { Partner } from "#src/model.js";
import type { RawFeed, RawItem } from "#src/feeds-in/raw.js";
import type { PartnerItem, Skipped } from "#src/feeds-in/item.js";
import { absoluteUrl, attrOf, listOf, textOf, withoutTracking } from "#src/feeds-in/text.js";
import { parseEntryDate } from "#src/feeds-in/dates.js";
import { findImage } from "#src/feeds-in/image.js";
import { distinctEntries } from "#src/feeds-in/distinct.js";
import { hash } from "#src/feeds-in/hash.js";

export const MAX_ITEMS_PER_PULL = 500;
const MAX_TAGS = 20;

export interface NormalizeContext {
  partner: Pick<Partner, "name" | "category" | "categoryMap" | "fullContent">;
  /** Where the feed came from after redirects, or its xml:base: relative links resolve against it. */
  base: string | undefined;
  fetchedAt: Date;
}

export interface Normalized {
  items: PartnerItem[];
  skipped: Skipped[];
  /** The feed's <ttl>, in minutes, when it has a sane one. */
  ttlMinutes: number | undefined;
}

export function normalizeFeed(feed: RawFeed, context: NormalizeContext): Normalized {
  const result: Normalized = { items: [], skipped: [], ttlMinutes: ttlOf(feed) };
  const raw = Array.isArray(feed.items) ? feed.items : [];
  const items: PartnerItem[] = [];
  raw.forEach((entry, index) => {
    if (index >= MAX_ITEMS_PER_PULL) {
      if (index === MAX_ITEMS_PER_PULL)
        result.skipped.push({ item: `#${index + 1}…#${raw.length}`, reason: `more than ${MAX_ITEMS_PER_PULL} entries in one feed` });
      return;
    }
    const outcome = normalizeItem(entry ?? {}, context);
    if ("reason" in outcome) result.skipped.push({ item: outcome.item || `entry #${index + 1}`, reason: outcome.reason });
    else items.push(outcome);
  });
  result.items = distinctEntries(items, result.skipped);
  return result;
}

function normalizeItem(entry: RawItem, context: NormalizeContext): PartnerItem | Skipped {
  const base = absoluteUrl(textOf(entry.xmlBase), context.base) ?? context.base;
  const link = linkOf(entry, base);
  const description = textOf(entry.content) ?? textOf(entry.summary) ?? textOf(entry.itunesSummary) ?? "";
  const full =
    textOf(entry["content:encoded"]) ?? textOf(entry.xhtmlBody) ?? textOf(entry.content) ?? textOf(entry.summary) ?? textOf(entry.itunesSummary) ?? "";
  const body = context.partner.fullContent ? full : description;
  const source = body || full;
  const plain = toPlainText(source);
  const title = toPlainText(textOf(entry.title) ?? "").slice(0, 300) || firstWords(plain, 12).slice(0, 300) || link || "";
  const itemId = idOf(entry, link) ?? (title || plain ? `sha256:${hash([title, plain])}` : undefined);
  if (!title || !itemId) return { item: itemId ?? link ?? "", reason: "no title, text or link" };
  const names = categoryNames(entry);
  const category = categoryOf(names, context.partner);
  if (!category) return { item: itemId, reason: "no category: none of its categories is mapped and the partner has no default category" };
  const image = findImage(entry, full, base);
  return {
    itemId: itemId.slice(0, 1000),
    title,
    link,
    uniqueLink: false,
    summary: firstWords(plainOf(textOf(entry.summary) ?? description, source, plain) || plain, 60).slice(0, 4000),
    body,
    author: toPlainText(textOf(entry.creator) ?? textOf(entry.author) ?? "").slice(0, 200) || null,
    category,
    tags: tagsOf(names),
    image: image ? { ...image, alt: title, credit: context.partner.name } : null,
    base,
    publishedAt: parseEntryDate(textOf(entry.pubDate) ?? textOf(entry.isoDate) ?? textOf(entry.date) ?? textOf(entry.updated), context.fetchedAt),
  };
}

/** The plain text of `html`, reusing the one already taken of `known` (usually the same description). */
function plainOf(html: string, known: string, knownPlain: string): string {
  return html === known ? knownPlain : toPlainText(html);
}

function linkOf(entry: RawItem, base: string | undefined): string | null {
  const guid = textOf(entry.guid);
  const permalink = guid && attrOf(entry.guid, "isPermaLink") !== "false" ? guid : undefined;
  const url = absoluteUrl(textOf(entry.link), base) ?? absoluteUrl(permalink, undefined);
  return url ? withoutTracking(url) : null;
}

function idOf(entry: RawItem, link: string | null): string | undefined {
  return textOf(entry.guid) ?? textOf(entry.id) ?? textOf(entry["rdf:about"]) ?? link ?? undefined;
}

/** The entry's own category names (RSS <category>, Atom term/label, dc:subject), as plain text. */
function categoryNames(entry: RawItem): string[] {
  return [...listOf(entry.categories), ...listOf(entry.categoryRaw), ...listOf(entry.subjects)]
    .map((c) => textOf(c) ?? attrOf(c, "term") ?? attrOf(c, "label"))
    .filter((c): c is string => !!c)
    .map((c) => toPlainText(c).trim())
    .filter(Boolean);
}

/** The first of the entry's categories the partner maps to ours (case-insensitive), else the default. */
function categoryOf(names: string[], partner: NormalizeContext["partner"]): string | null {
  const map = new Map(Object.entries(partner.categoryMap).map(([theirs, ours]) => [theirs.trim().toLowerCase(), ours]));
  for (const name of names) {
    const ours = map.get(name.toLowerCase());
    if (ours) return ours;
  }
  return partner.category;
}

/** The entry's categories become the article's tags (feeds by tag, related stories): once each, at most MAX_TAGS. */
function tagsOf(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (name.length <= 100 && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()].slice(0, MAX_TAGS);
}

function ttlOf(feed: RawFeed): number | undefined {
  const ttl = Number(textOf(feed.ttl));
  return Number.isFinite(ttl) && ttl > 0 && ttl <= 7 * 24 * 60 ? ttl : undefined;
}

/** The root's xml:base, resolved against the URL the feed came from. */
export function feedBase(text: string, finalUrl: string): string {
  if (!/^\s*</.test(text)) return finalUrl; // JSON: no xml:base
  const declared = /<(?:[\w-]+:)?(?:feed|rss|RDF)\b[^>]*\sxml:base\s*=\s*["']([^"']+)["']/.exec(text.slice(0, 4096))?.[1];
  if (!declared) return finalUrl;
  try {
    return new URL(declared, finalUrl).href;
  } catch {
    return finalUrl;
  }
}
