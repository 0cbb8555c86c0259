// Which period a subscriber is in, in their own timezone: a local day for daily digests, an ISO week
// for weekly ones. Pure.

import type { Frequency } from "#src/model.js";

export interface LocalTime {
  /** "2026-11-26" (daily) or "2026-W48" (weekly). */
  period: string;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
    formatters.set(timezone, f);
  }
  return f;
}

export function localTime(now: Date, timezone: string, frequency: Frequency): LocalTime {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return { period: frequency === "daily" ? day : isoWeek(day), hour: Number(parts.hour) };
}

/** "2026-11-26" → "2026-W48" (ISO 8601 week, Monday first). */
export function isoWeek(day: string): string {
  const thursday = new Date(`${day}T00:00:00Z`);
  // The ISO week belongs to the year of its Thursday.
  thursday.setUTCDate(thursday.getUTCDate() - ((thursday.getUTCDay() + 6) % 7) + 3);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/**
 * Subscribers whose send hour has come in their current local period, grouped by that period.
 * State-based: a late or missed tick finds them all the same, and the caller skips those who
 * already have a delivery in that period's edition.
 */
export function dueByPeriod(subscribers: Array<{ id: number; timezone: string; sendHour: number }>, now: Date, frequency: Frequency): Map<string, number[]> {
  const due = new Map<string, number[]>();
  for (const s of subscribers) {
    const local = localTime(now, s.timezone, frequency);
    if (local.hour < s.sendHour) continue;
    const list = due.get(local.period) ?? [];
    list.push(s.id);
    due.set(local.period, list);
  }
  return due;
}
