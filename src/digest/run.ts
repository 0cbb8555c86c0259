// The digest service: the one object the composition root builds and HTTP, the scheduler and
// `npm run digest` use. It delegates each role: editions, previews, dry runs, the delivery worker
// and its loop.
import type { Frequency } from "#src/model.js";
import { dryRun, type DryRunOutbox, type DryRunResult } from "#src/digest/dry-run.js";
import { createEditions, type EditionDetails } from "#src/digest/editions.js";
import { createPreviews } from "#src/digest/preview.js";
import { createArchive } from "#src/digest/archive.js";
import { createWorkerLoop } from "#src/digest/worker.js";
import { createDeliveryWorker, type DrainOptions } from "#src/digest/deliver.js";
import type { DeliveryDeps } from "#src/digest/deps.js";

export type { EditionStatus, EditionDetails } from "#src/digest/editions.js";

/** Failed deliveries listed with an edition's details. */
const FAILURES_SHOWN = 100;
const POLL_MS = 1000;

export interface DigestServiceDeps extends DeliveryDeps {
  pollMs?: number;
  /** Called when deliveries became due (an edition started, a tick, a retry): queues the work. */
  kick?: (editionId?: number) => void;
}

export function createDigestService(deps: DigestServiceDeps) {
  const worker = createDeliveryWorker(deps);
  const loop = createWorkerLoop(() => worker.drain(), deps.logger, deps.pollMs ?? POLL_MS);
  const editions = createEditions(deps, (editionId) => {
    loop.wake();
    deps.kick?.(editionId);
  });
  const previews = createPreviews(deps);

  return {
    startEdition: editions.start,
    scheduleDue: editions.scheduleDue,
    retryFailed: editions.retryFailed,
    edition: editions.edition,
    editions: editions.editions,
    editionDetails: (id: number): Promise<EditionDetails> => editions.details(id, FAILURES_SHOWN),
    drain: (options?: DrainOptions) => worker.drain(options),
    start: loop.start,
    stop: loop.stop,
    preview: previews.preview,
    previewFor: previews.previewFor,
    viewDelivered: previews.viewDelivered,
    /** The public archive: each period's digest, unpersonalised. */
    archive: createArchive(deps),
    /** Every active subscriber's digest, written through `outbox` without sending or recording anything. */
    dryRun: (frequency: Frequency, outbox: DryRunOutbox, onProgress?: (done: number, total: number) => void): Promise<DryRunResult> =>
      dryRun(deps, frequency, outbox, onProgress),
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
