// What one imported row does to the subscriber it names: pure, so a dry run and a real import agree.
import type { Subscriber, SubscriberStatus } from "#src/model.js";
import type { SubscriberRecord, SubscriberWrites } from "#src/store/subscribers.js";
import type { CsvRow } from "#src/subscribers/csv-columns.js";
import { heldBack } from "#src/subscribers/erasure.js";

export type Outcome = "created" | "updated" | "unchanged" | "keptSuppressed";

/** What rows leave unsaid: categories for new subscribers, the consent source, the time. */
export interface PlanDefaults {
  categories: string[];
  consentSource: string;
  now: string;
}

type Current = Omit<SubscriberRecord, "email">;

const optedOut = (status: SubscriberStatus) => status === "unsubscribed" || status === "suppressed";

/** A new subscriber from a row; a string says why it cannot be one. */
function newSubscriber(row: CsvRow, defaults: PlanDefaults): SubscriberRecord | string {
  const categories = row.categories ?? defaults.categories;
  if (!categories.length && !optedOut(row.status)) return "choose at least one category (a categories column, or the categories parameter)";
  const at = row.consentAt ?? defaults.now;
  return {
    email: row.email,
    status: row.status,
    categories,
    frequency: row.frequency ?? "daily",
    timezone: row.timezone ?? "UTC",
    sendHour: row.sendHour ?? 7,
    consent: { at, ip: null, userAgent: null, source: row.consentSource ?? defaults.consentSource, confirmedAt: row.status === "active" ? at : null },
    unsubscribedAt: optedOut(row.status) ? defaults.now : null,
  };
}

/**
 * The changes a row makes to a known subscriber. An opt-out in the file is applied; nothing in the
 * file undoes one here (the row is kept suppressed); only an active row moves a pending one forward.
 */
function changesFor(current: Current, row: CsvRow, defaults: PlanDefaults): { outcome: Outcome; changes: Partial<SubscriberRecord> } {
  if (optedOut(current.status) && !optedOut(row.status)) return { outcome: "keptSuppressed", changes: {} };
  const changes: Partial<SubscriberRecord> = {};
  if (row.categories && row.categories.join("\n") !== current.categories.join("\n")) changes.categories = row.categories;
  if (row.frequency && row.frequency !== current.frequency) changes.frequency = row.frequency;
  if (row.timezone && row.timezone !== current.timezone) changes.timezone = row.timezone;
  if (row.sendHour !== undefined && row.sendHour !== current.sendHour) changes.sendHour = row.sendHour;
  if (optedOut(row.status) && !optedOut(current.status)) Object.assign(changes, { status: row.status, unsubscribedAt: defaults.now });
  if (row.status === "active" && current.status === "pending") {
    const at = row.consentAt ?? defaults.now;
    Object.assign(changes, {
      status: "active",
      consent: { at, ip: null, userAgent: null, source: row.consentSource ?? defaults.consentSource, confirmedAt: at },
    });
  }
  return { outcome: Object.keys(changes).length ? "updated" : "unchanged", changes };
}

/**
 * One batch: each row against what is known, in file order, so an address twice in a batch is
 * judged against what the first row made of it. `erased`: addresses of erased subscribers.
 */
export function planBatch(existing: Subscriber[], rows: CsvRow[], defaults: PlanDefaults, erased: ReadonlySet<string> = new Set()) {
  const known = new Map<string, { id: number | null; record: SubscriberRecord }>(existing.map((s) => [s.email, { id: s.id, record: s }]));
  const updates = new Map<number, Partial<SubscriberRecord>>();
  const inserts = new Map<string, SubscriberRecord>();
  const outcomes: Array<Outcome | { error: string }> = [];
  for (const row of rows) {
    const entry = known.get(row.email);
    if (!entry) {
      const planned = newSubscriber(row, defaults);
      if (typeof planned === "string") outcomes.push({ error: planned });
      else {
        // An erased address comes in opted out: see erasure.ts.
        const record = erased.has(row.email) ? heldBack(planned, defaults.now) : planned;
        inserts.set(row.email, record);
        known.set(row.email, { id: null, record });
        outcomes.push("created");
      }
      continue;
    }
    const { outcome, changes } = changesFor(entry.record, row, defaults);
    Object.assign(entry.record, changes);
    if (entry.id !== null && outcome === "updated") updates.set(entry.id, { ...updates.get(entry.id), ...changes });
    outcomes.push(outcome);
  }
  const writes: SubscriberWrites = { inserts: [...inserts.values()], updates: [...updates].map(([id, changes]) => ({ id, changes })) };
  return { writes, outcomes };
}
