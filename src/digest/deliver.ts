// The delivery worker: claims due deliveries, composes and renders each digest, sends it, and
// records the outcome. Every delivery ends sent, skipped or failed; a crash leaves it `sending`
// until its lease expires, and then it is sent again with the same Message-ID.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ClaimedDelivery, DigestStore } from "#src/store/digests.js";
import type { CompiledEmail, TemplateSource } from "#src/mail/render.js";
import type { MailIdentity, PreparedMail, SendResult } from "#src/mail/transport.js";
import { MailSendError } from "#src/mail/transport.js";
import { buildContent, loadCandidateRows, type DigestContent } from "#src/digest/content.js";
import { storiesFor } from "#src/digest/rank.js";
import { prepareJob, storiesByIds, type ContentSource, type PrepareRequest, type RenderJob } from "#src/digest/render-batch.js";
import { messageIdFor, renderJobFor } from "#src/digest/message.js";

export { messageIdFor } from "#src/digest/message.js";

/** The links a digest carries; built from signed subscriber tokens. */
export interface DigestLinks {
  preferences(subscriberId: number, tokenVersion: number): string;
  unsubscribe(subscriberId: number, tokenVersion: number): string;
  view(editionId: number, subscriberId: number, tokenVersion: number): string;
}

export interface DigestSettings {
  baseUrl: string;
  /** Host part of Message-IDs and List-Id. */
  mailHost: string;
  publisherName: string;
  publisherAddress: string;
  topStories: number;
  relatedStories: number;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  bounceLimit: number;
  /** Messages handed to the mailer at once: the pool's size, so nothing piles up in memory. */
  concurrency: number;
  batchSize: number;
}

export interface DeliveryDeps {
  store: DigestStore;
  categoryNames(): Promise<Map<string, string>>;
  /** Digests are composed for the mailer's identity (in a render thread when there is one), then sent as bytes. */
  mailer: { identity: MailIdentity; sendPrepared(mail: PreparedMail): Promise<SendResult> };
  template(): Promise<CompiledEmail>;
  links: DigestLinks;
  settings: DigestSettings;
  logger: Logger;
  now?: () => Date;
  renderer?: DigestRenderer;
}

export interface DrainResult {
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
}

/** Renders and composes digests off the main thread (render-pool.ts); absent, on the main thread. */
export interface DigestRenderer {
  prepare(request: PrepareRequest): Promise<PreparedMail[]>;
}

/** How long a sent message may wait to be recorded with others (see recordSent). */
const RECORD_DELAY_MS = 10;

/** Digests sent to a render thread at once: small, so the first ones come back while the rest render. */
const RENDER_CHUNK = 20;

interface Queued {
  delivery: ClaimedDelivery;
  job: RenderJob;
  claimedAt: number;
  content: DigestContent;
  template: CompiledEmail;
  /** Rendered and composed ahead by a render thread; absent: on the main thread just before sending. */
  prepared: Promise<PreparedMail | Error> | undefined;
}

export function createDeliveryWorker(deps: DeliveryDeps) {
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;
  const renderOptions = { publisher: { name: s.publisherName, address: s.publisherAddress }, relatedCount: s.relatedStories };
  // A delivery that waited here past half its lease may soon be (or have been) claimed again by
  // another worker: leave it to whoever claims it after the lease, rather than risk two sends.
  const tooOld = (item: Queued) => performance.now() - item.claimedAt > (s.leaseSeconds * 1000) / 2;
  // The next batch is claimed, recorded and rendered while half of this one still waits to be sent,
  // so that lanes find its digests ready (on a busy machine, a render thread may wait for a core).
  const refillAt = Math.max(s.concurrency, Math.floor(s.batchSize / 2));

  /**
   * Delivers until nothing is due. `concurrency` lanes take deliveries from a local queue that is
   * refilled (claim + history, one query each) before it runs dry, so the mail pool never waits
   * for a batch boundary.
   */
  async function drain(options: { editionId?: number; onProgress?: (r: DrainResult) => void } = {}): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, skipped: 0, failed: 0, retried: 0 };
    const queue: Queued[] = [];
    let exhausted = false;
    let failure: unknown;
    let refilling: Promise<void> | undefined;
    let loaded: { content: DigestContent; source: ContentSource } | undefined;
    let contentAt = 0;

    const claimMore = async (): Promise<void> => {
      const started = now();
      // Before claiming: a broken template must fail the pass, not strand claimed deliveries.
      const template = await deps.template();
      await deps.store.recoverExpiredLeases(started.toISOString());
      const claimedAt = performance.now();
      const batch = await deps.store.claim({
        workerId,
        limit: s.batchSize,
        now: started.toISOString(),
        leaseUntil: new Date(started.getTime() + s.leaseSeconds * 1000).toISOString(),
        ...(options.editionId !== undefined ? { editionId: options.editionId } : {}),
      });
      if (!batch.length) {
        exhausted = true;
        return;
      }
      // Articles and engagement change slowly; reload them once a minute, not per batch.
      if (!loaded || started.getTime() - contentAt > 60_000) {
        loaded = await loadContentAndSource(started);
        contentAt = started.getTime();
      }
      const { content } = loaded;
      const weekAgo = new Date(started.getTime() - 8 * 86_400_000).toISOString();
      const history = await deps.store.history(batch.map((d) => d.subscriberId), weekAgo);
      // Choose every digest's stories now and record them in one transaction, before any send:
      // a resend after a crash then carries the same stories under the same Message-ID.
      const composed: Array<{ deliveryId: number; articleIds: number[]; messageId: string }> = [];
      const empty: number[] = [];
      const items: Queued[] = [];
      for (const delivery of batch) {
        const stories = delivery.articleIds
          ? storiesByIds(content, delivery.articleIds)
          : storiesFor(content.ranked, { ...delivery, ...history.get(delivery.subscriberId)! }, s.topStories, started);
        if (!stories.length) {
          empty.push(delivery.deliveryId);
          continue;
        }
        const messageId = messageIdFor(delivery.editionId, delivery.subscriberId, s.mailHost);
        const articleIds = stories.map((x) => x.articleId);
        if (!delivery.articleIds) composed.push({ deliveryId: delivery.deliveryId, articleIds, messageId });
        items.push({ delivery, job: renderJobFor(delivery, articleIds, deps.links, messageId, s), claimedAt, content, template, prepared: undefined });
      }
      await deps.store.recordComposition(composed, empty, started.toISOString(), "nothing new since the last digest");
      result.skipped += empty.length;
      if (deps.renderer && template.source) renderAhead(deps.renderer, items, loaded.source, template.source);
      // Only now may lanes take them: nothing is sent before its stories are recorded.
      queue.push(...items);
    };
    const refill = (): Promise<void> =>
      (refilling ??= claimMore()
        .catch((error: unknown) => {
          failure = error;
          exhausted = true;
        })
        .finally(() => {
          refilling = undefined;
        }));

    const lane = async (): Promise<void> => {
      for (;;) {
        // Sends that cannot be recorded (the database is failing) would all be sent again: stop.
        if (recordError) return;
        if (queue.length <= refillAt && !exhausted) void refill();
        const item = queue.shift();
        if (!item) {
          if (exhausted) return;
          await refill();
          continue;
        }
        if (tooOld(item)) continue;
        const prepared = await (item.prepared ?? prepareHere(item));
        // Waiting for a render thread counts too: the lease must still be young when it goes out.
        if (tooOld(item)) continue;
        await deliverOne(item, prepared, result);
        options.onProgress?.(result);
      }
    };
    await Promise.all(Array.from({ length: s.concurrency }, lane));
    await recordWaiting();
    // An edition is finished when its last delivery settles, whoever reads it and whenever.
    if (!failure && !recordError) await deps.store.finishSettledEditions(now().toISOString());
    if (failure) throw failure;
    if (recordError) {
      const error = recordError;
      recordError = undefined;
      throw error;
    }
    return result;
  }

  async function loadContentAndSource(at: Date): Promise<{ content: DigestContent; source: ContentSource }> {
    const categoryNames = await deps.categoryNames();
    const rows = await loadCandidateRows(deps.store, at);
    const source = { rows, categoryNames: [...categoryNames], now: at.toISOString(), baseUrl: s.baseUrl };
    return { content: buildContent(rows, categoryNames, at, s.baseUrl), source };
  }

  /** Hands the batch to the render threads in chunks; each delivery gets its own message or the chunk's error. */
  function renderAhead(renderer: DigestRenderer, items: Queued[], content: ContentSource, template: TemplateSource): void {
    const at = now().toISOString();
    const identity = deps.mailer.identity;
    for (let i = 0; i < items.length; i += RENDER_CHUNK) {
      const chunk = items.slice(i, i + RENDER_CHUNK);
      const prepared = renderer.prepare({ content, template, options: renderOptions, identity, now: at, jobs: chunk.map((x) => x.job) }).catch((error: Error) => error);
      chunk.forEach((item, k) => (item.prepared = prepared.then((r) => (r instanceof Error ? r : r[k]!))));
    }
  }

  function prepareHere(item: Queued): Promise<PreparedMail | Error> {
    return Promise.resolve()
      .then(() => prepareJob(item.template, item.content, item.job, renderOptions, deps.mailer.identity, now()))
      .catch((error: Error) => error);
  }

  async function deliverOne(item: Queued, prepared: PreparedMail | Error, result: DrainResult): Promise<void> {
    try {
      // A digest that could not be rendered is a temporary failure, retried like a refused send.
      if (prepared instanceof Error) throw prepared;
      await deps.mailer.sendPrepared(prepared);
    } catch (error) {
      await recordFailure(item.delivery, error, result);
      return;
    }
    result.sent++;
    // Sent but not recorded (the database is down): the lease runs out and it is resent, same Message-ID.
    const recorded = recordSent(item.delivery.deliveryId).catch((error: Error) =>
      deps.logger.error({ delivery: item.delivery.deliveryId, err: error.message }, "digest: sent, but could not record it"),
    );
    // The lane goes on to its next message while this one waits to be recorded with others, unless
    // `concurrency` sent messages already wait: then it waits too (see recordSent).
    if (unrecorded >= s.concurrency) await recorded;
  }

  async function recordFailure(d: ClaimedDelivery, error: unknown, result: DrainResult): Promise<void> {
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

  /**
   * Sends are marked sent in groups, one statement for several messages: a group is written when
   * `concurrency` sends wait to be recorded, or RECORD_DELAY_MS after its first one. A lane that
   * brings the count to `concurrency` waits for the write, so at most 2 × concurrency − 1 messages
   * are ever sent-or-in-flight but unrecorded: all a crash can send twice (with the same Message-ID).
   * A write that fails stops the pass (see `lane`): its messages go again when their lease runs out.
   */
  let sentIds: number[] = [];
  let unrecorded = 0;
  let group: { written: Promise<void>; write(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Group writes started and not yet finished: a pass ends only after all of them. */
  const writing = new Set<Promise<void>>();
  let recordError: Error | undefined;
  function recordSent(deliveryId: number): Promise<void> {
    sentIds.push(deliveryId);
    unrecorded++;
    if (!group) {
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
      group = { written, write: start };
      timer = setTimeout(start, RECORD_DELAY_MS);
    }
    const current = group;
    if (sentIds.length >= s.concurrency) current.write();
    return current.written;
  }

  /** Writes what still waits, and waits for every write under way (the end of a pass). */
  async function recordWaiting(): Promise<void> {
    group?.write();
    await Promise.allSettled([...writing]);
  }

  return { workerId, drain };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
