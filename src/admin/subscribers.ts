// Subscribers panel: counts now, and the list over time derived from sign-up, confirmation and
// unsubscription times (no snapshot table: every figure is recomputed from the rows themselves).
import type { SubscriberCounts } from "#src/store/subscribers.js";
import type { DailyCount, SubscriberDays } from "#src/store/operators.js";
import { barChart, lastDays } from "#src/admin/charts.js";
import { plural } from "#src/plural.js";
import type { CsvImportReport } from "#src/subscribers/csv-import.js";

export interface DayFigures {
  day: string;
  signups: number;
  confirmed: number;
  unsubscribed: number;
  /** Confirmed by the end of the day and not unsubscribed by then. */
  subscribed: number;
}

/** One row per day of the window; `subscribed` carries everything from before the window. */
export function subscriberTimeline(days: SubscriberDays, window: string[]): DayFigures[] {
  const index = (counts: DailyCount[]) => new Map(counts.map((c) => [c.day, c.n]));
  const before = (counts: DailyCount[]) => counts.filter((c) => c.day < window[0]!).reduce((sum, c) => sum + c.n, 0);
  const created = index(days.created);
  const confirmed = index(days.confirmed);
  const unsubscribed = index(days.unsubscribed);
  let subscribed = before(days.confirmed) - before(days.unsubscribed);
  return window.map((day) => {
    const c = confirmed.get(day) ?? 0;
    const u = unsubscribed.get(day) ?? 0;
    subscribed = Math.max(0, subscribed + c - u);
    return { day, signups: created.get(day) ?? 0, confirmed: c, unsubscribed: u, subscribed };
  });
}

export function subscriberPanel(counts: SubscriberCounts, days: SubscriberDays, categoryNames: Map<string, string>, now: Date, span = 30) {
  const timeline = subscriberTimeline(days, lastDays(now, span));
  const lastWeek = timeline.slice(-7);
  const sum = (key: "signups" | "confirmed" | "unsubscribed") => lastWeek.reduce((n, d) => n + d[key], 0);
  return {
    total: counts.total,
    status: Object.entries(counts.status).map(([name, n]) => ({ name, n })),
    frequency: Object.entries(counts.frequency).map(([name, n]) => ({ name, n })),
    categories: [...categoryNames]
      .map(([slug, name]) => ({ slug, name, n: counts.category[slug] ?? 0 }))
      .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name)),
    week: { signups: plural(sum("signups"), "sign-up"), confirmed: sum("confirmed"), unsubscribed: sum("unsubscribed") },
    subscribedChart: barChart(
      timeline.map((d) => ({ label: d.day, value: d.subscribed })),
      { title: `Subscribed at the end of each day, last ${span} days`, unit: "subscriber", table: true },
    ),
    signupChart: barChart(
      timeline.map((d) => ({ label: d.day, value: d.signups })),
      { title: `Sign-ups per day, last ${span} days`, unit: "sign-up", table: true },
    ),
  };
}

/** What the dashboard shows after a list is uploaded: the import report in words. */
export function importReportView(report: CsvImportReport) {
  const { counts } = report;
  return {
    heading: report.dryRun ? "Dry run: nothing was written" : "List imported",
    rows: plural(report.rows, "row"),
    figures: [
      { name: "created", label: report.dryRun ? "would be created" : "created", n: counts.created },
      { name: "updated", label: report.dryRun ? "would be updated" : "updated", n: counts.updated },
      { name: "unchanged", label: "unchanged", n: counts.unchanged },
      { name: "keptSuppressed", label: "opted out, kept so", n: counts.keptSuppressed },
      { name: "invalid", label: "not imported", n: counts.invalid },
    ],
    errors: report.errors,
    moreErrors: report.moreErrors ? `and ${plural(report.moreErrors, "more row")} not imported` : "",
    stopped: report.stoppedAt ? `Reading stopped at line ${report.stoppedAt.line}: ${report.stoppedAt.error}` : "",
  };
}
