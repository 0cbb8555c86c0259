// The RSS Syndication module's hint (sy:updatePeriod, sy:updateFrequency), read from the feed-level
// elements of the document itself (RSS 1.0 and 2.0, and Atom feeds that carry it): how often the
// partner says it updates. Pure: the text in, minutes out.
import type { IntervalBounds } from "#src/feeds-in/schedule-policy.js";

const SYNDICATION_NS = "http://purl.org/rss/1.0/modules/syndication/";
const MINUTES: Record<string, number> = { hourly: 60, daily: 24 * 60, weekly: 7 * 24 * 60, monthly: 30 * 24 * 60, yearly: 365 * 24 * 60 };
/** Feed-level elements are looked for before the first entry (within this much) and after the last one (within this much of the end). */
const HEAD_CHARS = 64 * 1024;
const TAIL_CHARS = 16 * 1024;

/** A hint in minutes kept within the partner's bounds (the hint is read in the parse worker, the bounds applied where the partner is known). */
export function withinBounds(minutes: number | undefined, bounds: Pick<IntervalBounds, "minIntervalMinutes" | "maxIntervalMinutes">): number | undefined {
  return minutes === undefined ? undefined : Math.min(Math.max(minutes, bounds.minIntervalMinutes), bounds.maxIntervalMinutes);
}

/**
 * The period divided by the frequency (times per period, 1 by default; the period is daily by default
 * when only a frequency is given), in whole minutes rounded up, before the partner's bounds (withinBounds);
 * undefined when the feed says neither or says something unknown.
 */
export function syndicationHint(text: string): number | undefined {
  if (!/^\s*</.test(text)) return undefined; // JSON Feed has no such element
  const region = feedLevel(text);
  const prefixes = new Set(["sy"]);
  for (const [, prefix, uri] of region.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']+)["']/g))
    if (uri!.replace(/\/?$/, "/") === SYNDICATION_NS) prefixes.add(prefix!);
  const period = element(region, prefixes, "updatePeriod")?.toLowerCase();
  const frequency = element(region, prefixes, "updateFrequency");
  if (period === undefined && frequency === undefined) return undefined;
  const minutes = MINUTES[period ?? "daily"];
  if (minutes === undefined) return undefined;
  const times = frequency !== undefined && /^\d{1,9}$/.test(frequency) && Number(frequency) > 0 ? Number(frequency) : 1;
  return Math.max(1, Math.ceil(minutes / times));
}

/** The document outside its entries: the head up to the first item or entry, and what follows the last. */
function feedLevel(text: string): string {
  const start = text.slice(0, HEAD_CHARS);
  const first = start.search(/<(?:[\w-]+:)?(?:entry|item)[\s>/]/i);
  const head = first < 0 ? start : start.slice(0, first);
  // Only the end of the text is searched for the last entry's close: never a scan of the whole feed.
  const end = text.slice(-TAIL_CHARS);
  const last = Math.max(end.lastIndexOf("</item>"), end.lastIndexOf("</entry>"));
  return last < 0 ? head : `${head}\n${end.slice(last)}`;
}

/** The trimmed text of the first `<prefix:name>` for any of the prefixes (CDATA unwrapped). */
function element(region: string, prefixes: Set<string>, name: string): string | undefined {
  for (const prefix of prefixes) {
    const escaped = prefix.replace(/\./g, "\\.");
    const match = new RegExp(`<${escaped}:${name}(?:\\s[^>]*)?>\\s*(?:<!\\[CDATA\\[)?\\s*([^<\\]]*?)\\s*(?:\\]\\]>)?\\s*</${escaped}:${name}\\s*>`).exec(
      region,
    );
    if (match) return match[1];
  }
  return undefined;
}
