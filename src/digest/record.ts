// Recording outcomes: sent messages are marked in groups, failures are retried with backoff or
// end the delivery (a permanent refusal also counts as a bounce).
import type { ClaimedDelivery } from "#src/model.js";
import { MailSendError } from "#src/mail/transport.js";
import { MailComposeError } from "#src/mail/mime.js";
import type { DeliveryDeps, DrainResult } from "#src/digest/deps.js";

/**
 * How long a sent message may wait to be recorded with others (see recordSent): at 700 messages a
 * second, 10 ms made groups of about 7; 25 ms makes them about 17, at a fraction of the cost a message.
 */
const RECORD_DELAY_MS = 25;

/**
 * Sent messages recorded by one statement, at most (unless `recordGroup` says otherwise): in SQLite each
 * statement is a commit, and a group of 5 cost 4 times the CPU per message of a group of 100 (measured:
 * 32 vs 8 µs a message, 20,000 deliveries). 32 keeps most of that saving while a crash can resend at
 * most 32 + lanes − 1 digests (the test in test/digest/crash.test.ts holds it to that).
 */
export const RECORD_GROUP = 32;

interface Group {
  written: Promise<void>;
  write(): void;
}

/** Sends waiting to be recorded, and the group writes under way. */
interface Waiting {
  ids: number[];
  /** Sent messages not yet recorded (in a write under way, or waiting for one). */
  unrecorded: number;
  group: Group | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Group writes started and not yet finished: a pass ends only after all of them. */
  writing: Set<Promise<void>>;
  error: Error | undefined;
}

/**
 * Sends are marked sent in groups, one statement for several messages: a group is written when
 * `group` (recordGroupOf) sends wait to be recorded, or RECORD_DELAY_MS after its first one. A lane
 * that brings the unrecorded count to `group` waits for the write, so at most group + concurrency − 1
 * messages are ever sent-or-in-flight but unrecorded: all a crash can send twice (with the same
 * Message-ID: each is still `sending` under its lease, and goes again when the lease runs out).
 * A write that fails stops the pass (see the lanes): its messages go again when their lease runs out.
 */
export function createSentRecorder(deps: DeliveryDeps) {
  const w: Waiting = { ids: [], unrecorded: 0, group: undefined, timer: undefined, writing: new Set(), error: undefined };
  const group = recordGroupOf(deps.settings);
  return {
    /** Resolves when the message is recorded; the caller waits for it only when `mustWait` (see deliverOne). */
    recordSent(deliveryId: number): Promise<void> {
      w.ids.push(deliveryId);
      w.unrecorded++;
      const current = (w.group ??= openGroup(deps, w));
      if (w.ids.length >= group) current.write();
      return current.written;
    },
    /** Enough sent messages wait to be recorded: the lane that sent the last one waits for the write. */
    get mustWait(): boolean {
      return w.unrecorded >= group;
    },
    /** Writes what still waits, and waits for every write under way (the end of a pass). */
    async recordWaiting(): Promise<void> {
      w.group?.write();
      await Promise.allSettled([...w.writing]);
    },
    /** Sends that cannot be recorded (the database is failing) would all be sent again: lanes stop. */
    get failed(): boolean {
      return w.error !== undefined;
    },
    /** The write error that stopped a pass, once: the next pass starts clean. */
    takeError(): Error | undefined {
      const error = w.error;
      w.error = undefined;
      return error;
    },
  };
}

/** A group that is written on its timer or when write() is called, whichever comes first. */
function openGroup(deps: DeliveryDeps, w: Waiting): Group {
  const now = deps.now ?? (() => new Date());
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const written = started.then(async () => {
    clearTimeout(w.timer);
    const ids = w.ids;
    w.ids = [];
    w.group = undefined;
    try {
      await deps.store.markSent(ids, now().toISOString());
    } catch (error) {
      w.error ??= error as Error;
      throw error;
    } finally {
      w.unrecorded -= ids.length;
    }
  });
  w.writing.add(written);
  void written.catch(() => undefined).finally(() => w.writing.delete(written));
  w.timer = setTimeout(start, RECORD_DELAY_MS);
  return { written, write: start };
}

export type SentRecorder = ReturnType<typeof createSentRecorder>;

/** Sent messages recorded together: `recordGroup` if set, else RECORD_GROUP (never fewer than the lanes). */
function recordGroupOf(s: Pick<DeliveryDeps["settings"], "concurrency" | "recordGroup">): number {
  return s.recordGroup ?? Math.max(s.concurrency, RECORD_GROUP);
}

/** A refused or unrenderable digest: retried with backoff, or failed (and a bounce, if permanent). */
export async function recordFailure(deps: DeliveryDeps, d: ClaimedDelivery, error: unknown, result: DrainResult): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;
  const at = now().toISOString();
  const message = (error as Error).message ?? String(error);
  const permanent = error instanceof MailSendError && error.permanent;
  // A message composeMail refuses (an address or a header it will not write) is refused again at every
  // attempt: it fails now, and it is not the reader's bounce.
  const refused = error instanceof MailComposeError;
  const attempts = d.attempts + 1;
  if (permanent || refused || attempts >= s.maxAttempts) {
    await deps.store.finish(d.deliveryId, "failed", at, message);
    if (permanent) await deps.store.recordBounce(d.subscriberId, s.bounceLimit, at);
    result.failed++;
    deps.logger.warn({ delivery: d.deliveryId, email: d.email, err: message, permanent, refused }, "digest delivery failed");
    return;
  }
  // Exponential backoff with jitter: an SMTP outage only delays the edition.
  const delay = s.retryBaseMs * 2 ** (attempts - 1) * (0.75 + Math.random() * 0.5);
  await deps.store.retryLater(d.deliveryId, message, new Date(now().getTime() + delay).toISOString(), at);
  result.retried++;
}
