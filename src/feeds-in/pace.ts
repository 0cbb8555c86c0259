// How often a partner publishes, read from the publication dates of its recent items. Pure: dates and a `now` in.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface PaceOptions {
  /** How many of the most recent distinct dates the spacing is read from. */
  sample: number;
  /** Items per day counts the items of this many days (or of the feed's span when it is shorter). */
  windowDays: number;
}

const PACE_DEFAULTS: PaceOptions = { sample: 20, windowDays: 7 };

export interface Pace {
  /** The median gap between the recent distinct publication dates, in whole minutes; null without three dated items. */
  learnedIntervalMinutes: number | null;
  /** Dated items per day over the window; null when no item has a usable date. */
  itemsPerDay: number | null;
}

/**
 * The feed's pace. Undated items and items dated after `now` are left out; items sharing one date count
 * once for the spacing. The median keeps one long silence or one burst from steering the result.
 */
export function learnPace(dates: ReadonlyArray<string | null | undefined>, now: Date, options: PaceOptions = PACE_DEFAULTS): Pace {
  const times = dates
    .map((d) => (d ? Date.parse(d) : NaN))
    .filter((t) => Number.isFinite(t) && t <= now.getTime())
    .sort((a, b) => b - a);
  if (!times.length) return { learnedIntervalMinutes: null, itemsPerDay: null };
  const distinct = [...new Set(times)].slice(0, options.sample);
  const gaps = distinct.slice(1).map((t, i) => distinct[i]! - t);
  const learnedIntervalMinutes = gaps.length >= 2 ? Math.max(1, Math.round(median(gaps) / MINUTE)) : null;
  return { learnedIntervalMinutes, itemsPerDay: itemsPerDay(times, now, options.windowDays) };
}

/** Items in the last `windowDays`, per day; a feed whose items span less than that is measured over its span (at least an hour). */
function itemsPerDay(newestFirst: number[], now: Date, windowDays: number): number {
  const since = now.getTime() - windowDays * DAY;
  const recent = newestFirst.filter((t) => t >= since);
  if (!recent.length) return 0;
  const span = Math.max(now.getTime() - recent.at(-1)!, 60 * MINUTE);
  const days = Math.min(span, windowDays * DAY) / DAY;
  return Math.round((recent.length / days) * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
