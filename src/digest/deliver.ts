// The delivery worker: claims due deliveries, composes and renders each digest, sends it, and
// records the outcome. Every delivery ends sent, skipped or failed; a crash leaves it `sending`
// until its lease expires, and then it is sent again with the same Message-ID.
import { randomUUID } from "node:crypto";
import type { PreparedMail } from "#src/mail/transport.js";
import { prepareJob, type RenderOptions } from "#src/digest/render-batch.js";
import { renderOptionsOf } from "#src/digest/message.js";
import { createClaimer, createLocalQueue, type LocalQueue, type Queued } from "#src/digest/claim.js";
import { createSentRecorder, recordFailure, type SentRecorder } from "#src/digest/record.js";
import { giveBack } from "#src/mail/slabs.js";
import type { DeliveryDeps, DrainResult } from "#src/digest/deps.js";

export interface DrainOptions {
  editionId?: number;
  onProgress?: (r: DrainResult) => void;
}

/**
 * Deliveries claimed at once grow with the pass's send rate, to BATCH_SECONDS of sending (never fewer
 * than `batchSize`, never more than MAX_BATCH): each claim, history read and composition is one
 * statement for the whole batch, and at the wire's speed a batch of 100 cost twice the CPU per
 * delivery of one of 500 (measured in SQLite). A slow server keeps batches small, so that no digest
 * waits in the local queue anywhere near half its lease.
 */
const BATCH_SECONDS = 2;
const MAX_BATCH = 500;

export function createDeliveryWorker(deps: DeliveryDeps) {
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;
  const recorder = createSentRecorder(deps);
  const renderOptions = renderOptionsOf(s);

  /**
   * Delivers until nothing is due. `concurrency` lanes take deliveries from a local queue that is
   * refilled (claim + history, one query each) before it runs dry, so the mail pool never waits
   * for a batch boundary.
   */
  async function drain(options: DrainOptions = {}): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, skipped: 0, failed: 0, retried: 0 };
    const started = performance.now();
    let limit = s.batchSize;
    const nextLimit = () => {
      const rate = result.sent / Math.max(0.001, (performance.now() - started) / 1000);
      return (limit = Math.max(s.batchSize, Math.min(MAX_BATCH, Math.round(rate * BATCH_SECONDS))));
    };
    const local = createLocalQueue(createClaimer(deps, workerId, options.editionId, nextLimit), (n) => (result.skipped += n));
    // The next batch is claimed, recorded and rendered while half of this one still waits to be sent,
    // so that lanes find its digests ready (on a busy machine, a render thread may wait for a core).
    const refillAt = () => Math.max(s.concurrency, Math.floor(limit / 2));
    const pass: Pass = { deps, recorder, local, result, refillAt, renderOptions, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
    // A lane that fails (a failure could not be recorded) stops the others, as a failed record write does.
    await Promise.all(Array.from({ length: s.concurrency }, () => lane(pass).catch((error: unknown) => void (pass.stopped ??= { error }))));
    // A pass that stops early leaves digests queued, and a refill may still be adding some: their bytes are dropped.
    await local.settled();
    for (const item of local.items.splice(0)) drop(item.prepared);
    await recorder.recordWaiting();
    // Taken whatever else failed: the next pass starts clean.
    const recordError = recorder.takeError();
    if (pass.stopped) throw pass.stopped.error;
    // An edition is finished when its last delivery settles, whoever reads it and whenever.
    if (!local.failure && !recordError) await deps.store.finishSettledEditions(now().toISOString());
    if (local.failure) throw local.failure;
    if (recordError) throw recordError;
    return result;
  }

  return { workerId, drain };
}

/** What the lanes of one pass share. */
interface Pass {
  /** Set by the first lane that failed: the others stop. */
  stopped?: { error: unknown };
  deps: DeliveryDeps;
  recorder: SentRecorder;
  local: LocalQueue;
  result: DrainResult;
  refillAt: () => number;
  renderOptions: RenderOptions;
  onProgress?: (r: DrainResult) => void;
}

/** One lane: takes the next delivery, waits for its message, sends it; refills the queue ahead. */
async function lane(p: Pass): Promise<void> {
  const { local, recorder } = p;
  // A delivery that waited here past half its lease may soon be (or have been) claimed again by
  // another worker: leave it to whoever claims it after the lease, rather than risk two sends.
  const tooOld = (item: Queued) => performance.now() - item.claimedAt > (p.deps.settings.leaseSeconds * 1000) / 2;
  for (;;) {
    if (recorder.failed || p.stopped) return;
    if (local.items.length <= p.refillAt() && !local.exhausted) void local.refill();
    const item = local.items.shift();
    if (!item) {
      if (local.exhausted) return;
      await local.refill();
      continue;
    }
    if (tooOld(item)) {
      drop(item.prepared);
      continue;
    }
    const prepared = await (item.prepared ?? prepareHere(p, item));
    // Waiting for a render thread counts too: the lease must still be young when it goes out.
    if (tooOld(item)) {
      drop(prepared);
      continue;
    }
    await deliverOne(p, item, prepared);
    p.onProgress?.(p.result);
  }
}

/** A message's bytes go back to their render thread's slab (slabs.ts) once nothing will read them again: its send settled, or it will not be sent. */
function drop(prepared: PreparedMail | Error | Promise<PreparedMail | Error> | undefined): void {
  void Promise.resolve(prepared).then((mail) => {
    if (mail && !(mail instanceof Error)) giveBack(mail);
  });
}

function prepareHere(p: Pass, item: Queued): Promise<PreparedMail | Error> {
  const now = p.deps.now ?? (() => new Date());
  return Promise.resolve()
    .then(() => prepareJob(item.template, item.content, item.job, p.renderOptions, p.deps.mailer.identity, now()))
    .catch((error: Error) => error);
}

async function deliverOne(p: Pass, item: Queued, prepared: PreparedMail | Error): Promise<void> {
  const { deps, recorder } = p;
  try {
    // A digest that could not be rendered is a temporary failure, retried like a refused send.
    if (prepared instanceof Error) throw prepared;
    await deps.mailer.sendPrepared(prepared).finally(() => drop(prepared));
  } catch (error) {
    await recordFailure(deps, item.delivery, error, p.result);
    return;
  }
  p.result.sent++;
  // Sent but not recorded (the database is down): the lease runs out and it is resent, same Message-ID.
  const recorded = recorder
    .recordSent(item.delivery.deliveryId)
    .catch((error: Error) => deps.logger.error({ delivery: item.delivery.deliveryId, err: error.message }, "digest: sent, but could not record it"));
  // The lane goes on to its next message while this one waits to be recorded with others, unless
  // a whole group of sent messages already waits: then it waits too (see createSentRecorder).
  if (recorder.mustWait) await recorded;
}
