// Recording outcomes: sent messages are marked in groups, failures are retried with backoff or
// end the delivery (a permanent refusal also counts as a bounce).
import type { ClaimedDelivery } from "#src/model.js";
import { MailSendError } from "#src/mail/transport.js";
import type { DeliveryDeps, DrainResult } from "#src/digest/deps.js";

/** How long a sent message may wait to be recorded with others (see recordSent). */
const RECORD_DELAY_MS = 10;

interface Group {
  written: Promise<void>;
  write(): void;
}

/**
 * Sends are marked sent in groups, one statement for several messages: a group is written when
 * `concurrency` sends wait to be recorded, or RECORD_DELAY_MS after its first one. A lane that
 * brings the count to `concurrency` waits for the write, so at most 2 × concurrency − 1 messages
 * are ever sent-or-in-flight but unrecorded: all a crash can send twice (with the same Message-ID).
 * A write that fails stops the pass (see the lanes): its messages go again when their lease runs out.
 */
export function createSentRecorder(deps: DeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  let sentIds: number[] = [];
  let unrecorded = 0;
  let group: Group | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Group writes started and not yet finished: a pass ends only after all of them. */
  const writing = new Set<Promise<void>>();
  let recordError: Error | undefined;

  function openGroup(): Group {
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    const written = started.then(async () => {
      clearTimeout(timer);
      const ids = sentIds;
      sentIds = [];
      group = undefined;
      try {
        await deps.store.markSent(ids, now().toISOString());
      } catch (error) {
        recordError ??= error as Error;
        throw error;
      } finally {
        unrecorded -= ids.length;
      }
    });
    writing.add(written);
    void written.catch(() => undefined).finally(() => writing.delete(written));
    timer = setTimeout(start, RECORD_DELAY_MS);
    return { written, write: start };
  }

  return {
    recordSent(deliveryId: number): Promise<void> {
      sentIds.push(deliveryId);
      unrecorded++;
      const current = (group ??= openGroup());
      if (sentIds.length >= deps.settings.concurrency) current.write();
      return current.written;
    },
    /** Writes what still waits, and waits for every write under way (the end of a pass). */
    async recordWaiting(): Promise<void> {
      group?.write();
      await Promise.allSettled([...writing]);
    },
    /** Sent messages not yet recorded (written or waiting). */
    get unrecorded(): number {
      return unrecorded;
    },
    /** Sends that cannot be recorded (the database is failing) would all be sent again: lanes stop. */
    get failed(): boolean {
      return recordError !== undefined;
    },
    /** The write error that stopped a pass, once: the next pass starts clean. */
    takeError(): Error | undefined {
      const error = recordError;
      recordError = undefined;
      return error;
    },
  };
}

export type SentRecorder = ReturnType<typeof createSentRecorder>;

/** A refused or unrenderable digest: retried with backoff, or failed (and a bounce, if permanent). */
export async function recordFailure(deps: DeliveryDeps, d: ClaimedDelivery, error: unknown, result: DrainResult): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;
  const at = now().toISOString();
  const message = (error as Error).message ?? String(error);
  const permanent = error instanceof MailSendError && error.permanent;
  const attempts = d.attempts + 1;
  if (permanent || attempts >= s.maxAttempts) {
    await deps.store.finish(d.deliveryId, "failed", at, message);
    if (permanent) await deps.store.recordBounce(d.subscriberId, s.bounceLimit, at);
    result.failed++;
    deps.logger.warn({ delivery: d.deliveryId, email: d.email, err: message, permanent }, "digest delivery failed");
    return;
  }
  // Exponential backoff with jitter: an SMTP outage only delays the edition.
  const delay = s.retryBaseMs * 2 ** (attempts - 1) * (0.75 + Math.random() * 0.5);
  await deps.store.retryLater(d.deliveryId, message, new Date(now().getTime() + delay).toISOString(), at);
  result.retried++;
}
