// A list moved in as CSV: read as it streams (csv-parse), checked row by row, written in batches,
// each in one transaction, so memory stays flat whatever the file's size. Sends nothing.
import type { Readable } from "node:stream";
import { ValidationError } from "#src/errors.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { rowLookups, readHeader, readRow, type CsvColumns, type CsvRow } from "#src/subscribers/csv-columns.js";
import { numberedRecords } from "#src/subscribers/csv-records.js";
import { erasedAddresses } from "#src/subscribers/erasure.js";
import { planBatch, type Outcome, type PlanDefaults } from "#src/subscribers/csv-plan.js";

/** Rows read before a batch is written. */
export const IMPORT_BATCH = 1000;
/** Row errors listed in a report; the others are counted. */
export const MAX_REPORTED_ERRORS = 100;

export interface CsvImportOptions {
  /** Reports what would happen and writes nothing. */
  dryRun: boolean;
  /** Names or slugs given to new subscribers whose row names none. */
  categories: string[];
  /** Recorded as the consent source of rows without one. */
  consentSource: string;
}

export interface CsvRowError {
  /** The line of the file the row starts on (the header is line 1; a quoted cell may span lines). */
  line: number;
  email: string | null;
  error: string;
  fields: Record<string, string>;
}

export interface CsvImportReport {
  dryRun: boolean;
  rows: number;
  counts: Record<Outcome | "invalid", number>;
  errors: CsvRowError[];
  /** Row errors beyond the first MAX_REPORTED_ERRORS. */
  moreErrors: number;
  /** Set when the file itself is broken (unbalanced quotes …): the rows before that line are imported. */
  stoppedAt?: { line: number; error: string };
}

type Pending = { line: number; row: CsvRow };

export async function importCsv(deps: SubscriberDeps, source: Readable, options: CsvImportOptions): Promise<CsvImportReport> {
  const lookups = rowLookups(await deps.categories.list());
  const defaults: PlanDefaults = {
    categories: defaultCategories(options.categories, lookups.categories),
    consentSource: options.consentSource,
    now: (deps.now?.() ?? new Date()).toISOString(),
  };
  const report = emptyReport(options.dryRun);
  let columns: CsvColumns | undefined;
  let batch: Pending[] = [];
  try {
    for await (const item of numberedRecords(source)) {
      if (!columns) {
        columns = "cells" in item ? readHeader(item.cells) : undefined;
        if (!columns) throw new ValidationError(`csv: line ${item.line}: no email column (name one "email" or "Email Address")`, { csv: "no email column" });
        continue;
      }
      report.rows++;
      const result = "cells" in item ? readRow(columns, item.cells, lookups) : { email: null, fields: { csv: item.error } };
      if ("row" in result) batch.push({ line: item.line, row: result.row });
      else addError(report, { line: item.line, email: result.email, error: result.fields.csv ?? describe(result.fields), fields: result.fields });
      if (batch.length < IMPORT_BATCH) continue;
      await writeBatch(deps, batch, defaults, report);
      batch = [];
    }
  } catch (error) {
    if (error instanceof ValidationError || !isCsvError(error)) throw error;
    report.stoppedAt = { line: "lines" in error && typeof error.lines === "number" ? error.lines : 0, error: `csv: ${error.message}` };
  }
  if (!columns && !report.stoppedAt) throw new ValidationError("csv: the file is empty (a header row and one row per subscriber)", { csv: "empty" });
  await writeBatch(deps, batch, defaults, report);
  return report;
}

const emptyReport = (dryRun: boolean): CsvImportReport => ({
  dryRun,
  rows: 0,
  counts: { created: 0, updated: 0, unchanged: 0, keptSuppressed: 0, invalid: 0 },
  errors: [],
  moreErrors: 0,
});

async function writeBatch(deps: SubscriberDeps, batch: Pending[], defaults: PlanDefaults, report: CsvImportReport): Promise<void> {
  if (!batch.length) return;
  const rows = batch.map((p) => p.row);
  const emails = [...new Set(rows.map((r) => r.email))];
  let outcomes: ReturnType<typeof planBatch>["outcomes"] = [];
  const erased = await erasedAddresses(deps, emails);
  const plan = (existing: Parameters<typeof planBatch>[0]) => {
    const planned = planBatch(existing, rows, defaults, erased);
    outcomes = planned.outcomes;
    return planned.writes;
  };
  if (report.dryRun) plan(await deps.subscribers.getManyByEmail(emails));
  else await deps.subscribers.importBatch(emails, plan, defaults.now);
  outcomes.forEach((outcome, i) => {
    if (typeof outcome === "string") report.counts[outcome]++;
    else
      addError(report, {
        line: batch[i]!.line,
        email: rows[i]!.email,
        error: `subscriber: categories: ${outcome.error}`,
        fields: { categories: outcome.error },
      });
  });
}

function addError(report: CsvImportReport, error: CsvRowError): void {
  report.counts.invalid++;
  if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error);
  else report.moreErrors++;
}

const describe = (fields: Record<string, string>) =>
  `subscriber: ${Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ")}`;

function defaultCategories(names: string[], lookup: Map<string, string>): string[] {
  const unknown = names.filter((name) => !lookup.has(name.trim().toLowerCase()));
  if (unknown.length) throw new ValidationError("subscriber: invalid input", { categories: `no category named ${unknown.map((n) => `"${n}"`).join(", ")}` });
  return [...new Set(names.map((name) => lookup.get(name.trim().toLowerCase())!))];
}

function isCsvError(error: unknown): error is Error {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("CSV_");
}
