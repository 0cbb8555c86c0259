// The whole list as CSV, read page by page and written as it goes (csv-stringify). Its header names
// are ones the import reads, so an export imports back unchanged.
import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { Subscriber } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";

export const EXPORT_COLUMNS = ["email", "status", "categories", "frequency", "timezone", "send_hour", "consent_at", "consent_source", "created_at"];

const PAGE = 1000;

/**
 * A cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return)
 * gets a leading apostrophe, which spreadsheets show as text; the import takes it off again.
 */
function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCells(s: Subscriber): string[] {
  const cells = [
    s.email,
    s.status,
    s.categories.join(", "),
    s.frequency,
    s.timezone,
    String(s.sendHour),
    s.consent.at ?? "",
    s.consent.source ?? "",
    s.createdAt,
  ];
  return cells.map(guardFormula);
}

async function* allSubscribers(deps: SubscriberDeps): AsyncGenerator<string[]> {
  for (let afterId = 0; ;) {
    const page = await deps.subscribers.listAfter(afterId, PAGE);
    for (const s of page) yield csvCells(s);
    if (page.length < PAGE) return;
    afterId = page.at(-1)!.id;
  }
}

/** The CSV text, streamed: a header row, then one row per subscriber in the order they came. */
export function exportCsv(deps: SubscriberDeps): Readable {
  const rows = Readable.from(allSubscribers(deps));
  const csv = stringify({ header: true, columns: EXPORT_COLUMNS });
  rows.on("error", (error) => csv.destroy(error));
  return rows.pipe(csv);
}
