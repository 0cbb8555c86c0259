// The steps of a pull between parse and save, run in the parse worker (parse-worker.mjs) right after
// the parse, off the main thread: a JSON Feed read into the shape of XML feeds, the feed's base,
// normalize, then sanitize. Items come out ready to save: their body is what the article is stored
// with, and their content hash is taken before the article rules' pass (see `readFeed`).
// Pure: a function of the parsed document, the partner and the fetch time. Also read here: the
// feed-level sy:updatePeriod hint (update-period.ts), the partner's bounds applied on the main thread.
import { sanitizeBody } from "#src/articles/sanitize.js";
import type { Partner } from "#src/model.js";
import { feedBase, normalizeFeed } from "#src/feeds-in/normalize.js";
import type { RawFeed } from "#src/feeds-in/raw.js";
import { sanitizePartnerBody } from "#src/feeds-in/sanitize.js";
import { contentHashOf, type ReadyItem, type Skipped } from "#src/feeds-in/item.js";
import { syndicationHint } from "#src/feeds-in/update-period.js";

/** What the worker needs besides the document: plain values, sent with the task. */
export interface ReadContext {
  partner: Pick<Partner, "name" | "category" | "categoryMap" | "fullContent">;
  /** Where the document came from after redirects (or what a file feed's relative links resolve against). */
  finalUrl: string;
  /** The fetch time, ISO. */
  fetchedAt: string;
}

export interface ReadFeed {
  items: ReadyItem[];
  skipped: Skipped[];
  /** The dates of every normalized entry (also those sanitize refused): the partner's pace is learned from them. */
  dates: (string | null)[];
  ttlMinutes: number | undefined;
  /** sy:updatePeriod / sy:updateFrequency, in minutes, before the partner's bounds (update-period.ts). */
  updatePeriodMinutes: number | undefined;
  recovered: string | null;
}

/**
 * A parsed document (rss-parser's output, or JSON for a JSON Feed) → items ready to save. The JSON Feed
 * reader (and zod with it) loads on the first JSON document: a worker that reads XML never loads it.
 */
export async function readFeed(text: string, parsed: { feed?: RawFeed; json?: unknown; recovered: string | null }, context: ReadContext): Promise<ReadFeed> {
  const feed = parsed.feed ?? (await import("#src/feeds-in/json-feed.js")).jsonFeedToRaw(parsed.json);
  const base = feedBase(text, context.finalUrl);
  const normalized = normalizeFeed(feed, { partner: context.partner, base, fetchedAt: new Date(context.fetchedAt) });
  const items: ReadyItem[] = [];
  const skipped = [...normalized.skipped];
  for (const item of normalized.items) {
    try {
      const { body, settled } = sanitizePartnerBody(item.body, item.base);
      const sanitized = { ...item, body };
      // The hash is the partner-sanitized item's, as stored in partner_items; the body is then passed
      // through the article rules (as the article service did on the main thread), so the article
      // service stores it as it is. A settled body is what that pass would give: it is skipped.
      items.push({ ...sanitized, contentHash: contentHashOf(sanitized), body: settled ? body : sanitizeBody(body) });
    } catch (error) {
      skipped.push({ item: item.itemId, reason: `save: ${(error as Error)?.message ?? String(error)}` });
    }
  }
  return {
    items,
    skipped,
    dates: normalized.items.map((i) => i.publishedAt),
    ttlMinutes: normalized.ttlMinutes,
    updatePeriodMinutes: syndicationHint(text),
    recovered: parsed.recovered,
  };
}
