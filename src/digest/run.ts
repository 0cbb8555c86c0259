// Editions: which subscribers get a digest in which edition, and running the worker over them.
// The scheduler's tick, POST /api/editions and `npm run digest` all come through here.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { DigestStore, EditionRow } from "#src/store/digests.js";
import { FREQUENCIES, type Frequency } from "#src/model.js";
import { dryRun, type DryRunOutbox, type DryRunResult } from "#src/digest/dry-run.js";
import type { CompiledEmail } from "#src/mail/render.js";
import { dueByPeriod } from "#src/digest/period.js";
import { loadContent, type DigestContent } from "#src/digest/content.js";
import { renderDigest, type DigestArticle, type DigestView } from "#src/digest/compose.js";
import { storiesFor } from "#src/digest/rank.js";
import { createDeliveryWorker, type DeliveryDeps, type DrainResult } from "#src/digest/deliver.js";
import { NotFoundError } from "#src/errors.js";


export interface PreviewChoices {
  categories: string[];
  frequency: Frequency;
  timezone?: string;
  subscriberId?: number;
  tokenVersion?: number;
}

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

export interface DigestServiceDeps extends DeliveryDeps {
  pollMs?: number;
  /** Called when deliveries became due (an edition started, a tick, a retry): queues the work. */
  kick?: (editionId?: number) => void;
}

export function createDigestService(deps: DigestServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const worker = createDeliveryWorker(deps);
  let loop: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  return {
    worker,

    /** A new edition now for every active subscriber of `frequency`, whatever their send hour. */
    async startEdition(frequency: Frequency): Promise<number> {
      const at = now();
      const id = await deps.store.ensureEdition({ key: `manual:${randomUUID()}`, frequency, period: at.toISOString().slice(0, 10), trigger: "manual", now: at.toISOString() });
      const subscribers = await deps.store.activeSubscribers(frequency);
      await deps.store.enqueue(id, subscribers.map((s) => s.id), at.toISOString());
      deps.logger.info({ edition: id, frequency, subscribers: subscribers.length }, "edition started");
      wake?.();
      deps.kick?.(id);
      return id;
    },

    /** The tick: enqueue everyone whose local send hour has come and who has no delivery this period. */
    async scheduleDue(): Promise<number> {
      const at = now();
      let added = 0;
      for (const frequency of FREQUENCIES) {
        const due = dueByPeriod(await deps.store.activeSubscribers(frequency), at, frequency);
        const keys = [...due.keys()].map((period) => `schedule:${frequency}:${period}`);
        const existing = await deps.store.editionIdsByKey(keys);
        const already = await deps.store.subscribersIn([...existing.values()]);
        for (const [period, ids] of due) {
          const had = already.get(existing.get(`schedule:${frequency}:${period}`) ?? -1);
          const missing = had ? ids.filter((id) => !had.has(id)) : ids;
          if (!missing.length) continue;
          const editionId = await deps.store.ensureEdition({ key: `schedule:${frequency}:${period}`, frequency, period, trigger: "schedule", now: at.toISOString() });
          added += await deps.store.enqueue(editionId, missing, at.toISOString());
        }
      }
      if (added) {
        deps.logger.info({ deliveries: added }, "scheduled digests");
        wake?.();
        deps.kick?.();
      }
      return added;
    },

    drain: (options?: { editionId?: number; onProgress?: (r: DrainResult) => void }) => worker.drain(options),

    /** Keeps draining in the background (this process's worker role) until stop(). */
    start(): void {
      if (loop) return;
      stopped = false;
      loop = (async () => {
        while (!stopped) {
          try {
            await worker.drain();
          } catch (error) {
            deps.logger.error({ err: error }, "digest worker pass failed");
          }
          if (stopped) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, deps.pollMs ?? 1000);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      })();
    },

    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await loop;
      loop = undefined;
    },

    async edition(id: number): Promise<EditionStatus> {
      const row = await deps.store.edition(id);
      if (!row) throw new NotFoundError(`edition ${id} not found`);
      return editionStatus(row);
    },

    async editions(limit = 50): Promise<EditionStatus[]> {
      return (await deps.store.editions(limit)).map(editionStatus);
    },

    /** The digest as it would be sent now to these choices (admin preview, dry runs). */
    async preview(p: PreviewChoices, content?: DigestContent): Promise<{ view: DigestView; html: string; text: string }> {
      const at = now();
      const material = content ?? (await loadContent(deps.store, await deps.categoryNames(), at, deps.settings));
      const history =
        p.subscriberId !== undefined
          ? (await deps.store.history([p.subscriberId], new Date(at.getTime() - 8 * 86_400_000).toISOString())).get(p.subscriberId)!
          : { sent: new Set<number>(), lastSentAt: null };
      const stories = storiesFor(material.ranked, { ...p, ...history }, deps.settings.topStories, at);
      return renderView(deps, stories, material, p, at);
    },

    /** "View in browser": the stories recorded on that delivery, rendered again. */
    async viewDelivered(editionId: number, subscriberId: number): Promise<string> {
      const delivery = await deps.store.deliveryOf(editionId, subscriberId);
      const subscriber = await deps.store.subscriberById(subscriberId);
      if (!delivery?.article_ids || !subscriber) throw new NotFoundError("this digest is not available");
      const at = now();
      const content = await loadContent(deps.store, await deps.categoryNames(), at, deps.settings);
      const ids = JSON.parse(delivery.article_ids) as number[];
      const stories = ids.map((id) => content.byId.get(id)).filter((a): a is DigestArticle => !!a);
      const edition = await deps.store.edition(editionId);
      const rendered = await renderView(
        deps,
        stories,
        content,
        { frequency: (edition?.frequency ?? "daily") as Frequency, timezone: subscriber.timezone, subscriberId, tokenVersion: subscriber.token_version, editionId },
        at,
      );
      return rendered.html;
    },

    /** Every active subscriber's digest, written through `outbox` without sending or recording anything. */
    dryRun: (frequency: Frequency, outbox: DryRunOutbox, onProgress?: (done: number, total: number) => void): Promise<DryRunResult> =>
      dryRun(deps, frequency, outbox, onProgress),

    async retryFailed(editionId: number): Promise<number> {
      const n = await deps.store.retryFailed(editionId, now().toISOString());
      wake?.();
      deps.kick?.(editionId);
      return n;
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;

async function renderView(
  deps: DeliveryDeps,
  stories: DigestArticle[],
  content: DigestContent,
  p: { frequency: Frequency; timezone?: string; subscriberId?: number; tokenVersion?: number; editionId?: number },
  at: Date,
): Promise<{ view: DigestView; html: string; text: string }> {
  const template: CompiledEmail = await deps.template();
  const sid = p.subscriberId;
  const version = p.tokenVersion ?? 1;
  const links =
    sid !== undefined
      ? {
          viewUrl: p.editionId !== undefined ? deps.links.view(p.editionId, sid, version) : `${deps.settings.baseUrl}/`,
          preferencesUrl: deps.links.preferences(sid, version),
          unsubscribeUrl: deps.links.unsubscribe(sid, version),
        }
      : { viewUrl: `${deps.settings.baseUrl}/`, preferencesUrl: `${deps.settings.baseUrl}/preferences`, unsubscribeUrl: `${deps.settings.baseUrl}/unsubscribe` };
  return renderDigest(template, {
    topStories: stories,
    related: content.relator,
    categoryNames: content.categoryNames,
    frequency: p.frequency,
    timezone: p.timezone ?? "UTC",
    now: at,
    publisher: { name: deps.settings.publisherName, address: deps.settings.publisherAddress },
    links,
    relatedCount: deps.settings.relatedStories,
  });
}
