// Editions panel: progress and outcome of each edition, newest first.
import type { EditionStatus } from "#src/digest/run.js";
import type { DeliveryFailure } from "#src/model.js";
import { clock, percent } from "#src/admin/format.js";
import { plural } from "#src/plural.js";
import { reportRates, type EditionReports } from "#src/admin/reports.js";

export function editionRow(e: EditionStatus, reports?: EditionReports) {
  const { pending, sent, skipped, failed } = e.counts;
  const total = pending + sent + skipped + failed;
  const done = sent + skipped + failed;
  return {
    id: e.id,
    frequency: e.frequency,
    period: e.period,
    trigger: e.trigger,
    status: e.status,
    started: clock(e.createdAt),
    finished: e.finishedAt ? clock(e.finishedAt) : null,
    total,
    done,
    progress: percent(done, total),
    counts: e.counts,
    reports: reportRates(sent, reports),
    canRetry: failed > 0,
    retryText: failed === 1 ? "Retry the failed delivery" : `Retry the ${plural(failed, "failed delivery")}`,
  };
}

export type FailureRow = DeliveryFailure;

export function failureRows(failures: FailureRow[]) {
  return failures.map((f) => ({ email: f.email, attempts: f.attempts, reason: f.lastError ?? "unknown", at: clock(f.updatedAt) }));
}
