// Editions: who gets a digest in which edition (a manual start, the scheduler's tick, an
// operator's retry), and each edition's status as the API and the dashboard show it.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { FREQUENCIES, type DeliveryFailure, type EditionRow, type Frequency } from "#src/model.js";
import type { AudiencePort, EditionPort } from "#src/digest/ports.js";
import { dueByPeriod } from "#src/digest/period.js";
import { NotFoundError } from "#src/errors.js";

export interface EditionStatus {
  id: number;
  frequency: Frequency;
  period: string;
  trigger: string;
  status: "running" | "done";
  createdAt: string;
  finishedAt: string | null;
  counts: { pending: number; sent: number; skipped: number; failed: number };
}

export interface EditionDetails extends EditionStatus {
  /** The failed deliveries (the first ones), with the reason each failed. */
  failures: DeliveryFailure[];
}

/** Pure: the outside view of an edition's counts. */
export function editionStatus(row: EditionRow): EditionStatus {
  const c = row.counts;
  // `sending` is still pending from the outside: it has not reached a final state.
  const pending = c.pending + c.sending;
  return {
    id: row.id,
    frequency: row.frequency,
    period: row.period,
    trigger: row.trigger,
    status: pending === 0 ? "done" : "running",
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    counts: { pending, sent: c.sent, skipped: c.skipped, failed: c.failed },
  };
}

export interface EditionDeps {
  store: EditionPort & AudiencePort;
  logger: Logger;
  now?: () => Date;
}

/** `due` is told whenever deliveries became due (an edition started, a tick, a retry). */
export function createEditions(deps: EditionDeps, due: (editionId?: number) => void) {
  const now = deps.now ?? (() => new Date());
  const store = deps.store;

  async function edition(id: number): Promise<EditionStatus> {
    const row = await store.edition(id);
    if (!row) throw new NotFoundError(`edition ${id} not found`);
    return editionStatus(row);
  }

  return {
    /** A new edition now for every active subscriber of `frequency`, whatever their send hour. */
    async start(frequency: Frequency): Promise<number> {
      const id = await startEdition(deps, frequency, now());
      due(id);
      return id;
    },

    /** The tick: enqueue everyone whose local send hour has come and who has no delivery this period. */
    async scheduleDue(): Promise<number> {
      const at = now();
      let added = 0;
      for (const frequency of FREQUENCIES) added += await scheduleFrequency(store, frequency, at);
      if (added) {
        deps.logger.info({ deliveries: added }, "scheduled digests");
        due();
      }
      return added;
    },

    /** Puts an edition's failed deliveries back in the queue (operator's "retry failed"); an unknown edition is not found. */
    async retryFailed(editionId: number): Promise<number> {
      await edition(editionId);
      const n = await store.retryFailed(editionId, now().toISOString());
      due(editionId);
      return n;
    },

    edition,
    editions: async (limit = 50): Promise<EditionStatus[]> => (await store.editions(limit)).map(editionStatus),

    /** The edition's status and its first failed deliveries. */
    async details(id: number, failureLimit: number): Promise<EditionDetails> {
      const status = await edition(id);
      return { ...status, failures: status.counts.failed ? await store.failures(id, failureLimit) : [] };
    },
  };
}

async function startEdition(deps: EditionDeps, frequency: Frequency, now: Date): Promise<number> {
  const at = now.toISOString();
  const id = await deps.store.ensureEdition({ key: `manual:${randomUUID()}`, frequency, period: at.slice(0, 10), trigger: "manual", now: at });
  const subscribers = await deps.store.activeSubscribers(frequency);
  await deps.store.enqueue(
    id,
    subscribers.map((s) => s.id),
    at,
  );
  deps.logger.info({ edition: id, frequency, subscribers: subscribers.length }, "edition started");
  return id;
}

/** One frequency's due subscribers, each into the edition of their own period. */
async function scheduleFrequency(store: EditionPort & AudiencePort, frequency: Frequency, at: Date): Promise<number> {
  const due = dueByPeriod(await store.activeSubscribers(frequency), at, frequency);
  const keyOf = (period: string) => `schedule:${frequency}:${period}`;
  const existing = await store.editionIdsByKey([...due.keys()].map(keyOf));
  const already = await store.subscribersIn([...existing.values()]);
  let added = 0;
  for (const [period, ids] of due) {
    const had = already.get(existing.get(keyOf(period)) ?? -1);
    const missing = had ? ids.filter((id) => !had.has(id)) : ids;
    if (!missing.length) continue;
    const editionId = await store.ensureEdition({ key: keyOf(period), frequency, period, trigger: "schedule", now: at.toISOString() });
    added += await store.enqueue(editionId, missing, at.toISOString());
  }
  return added;
}
