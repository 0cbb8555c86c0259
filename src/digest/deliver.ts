// The delivery worker: claims due deliveries, composes and renders each digest, sends it, and
// records the outcome. Every delivery ends sent, skipped or failed; a crash leaves it `sending`
// until its lease expires, and then it is sent again with the same Message-ID.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ClaimedDelivery, DigestStore } from "#src/store/digests.js";
import type { CompiledEmail } from "#src/mail/render.js";
import type { MailMessage, SendResult } from "#src/mail/transport.js";
import { MailSendError } from "#src/mail/transport.js";
import { loadContent, type DigestContent } from "#src/digest/content.js";
import { renderDigest, type DigestArticle } from "#src/digest/compose.js";
import { storiesFor } from "#src/digest/rank.js";

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
  mailer: { send(message: MailMessage): Promise<SendResult> };
  template(): Promise<CompiledEmail>;
  links: DigestLinks;
  settings: DigestSettings;
  logger: Logger;
  now?: () => Date;
}

export interface DrainResult {
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
}

export function messageIdFor(editionId: number, subscriberId: number, host: string): string {
  return `<edition-${editionId}.subscriber-${subscriberId}@${host}>`;
}

export function createDeliveryWorker(deps: DeliveryDeps) {
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;

  /**
   * Delivers until nothing is due. `concurrency` lanes take deliveries from a local queue that is
   * refilled (claim + history, one query each) before it runs dry, so the mail pool never waits
   * for a batch boundary.
   */
  async function drain(options: { editionId?: number; onProgress?: (r: DrainResult) => void } = {}): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, skipped: 0, failed: 0, retried: 0 };
    const queue: Array<{ delivery: ClaimedDelivery; stories: DigestArticle[]; messageId: string; claimedAt: number }> = [];
    let exhausted = false;
    let failure: unknown;
    let refilling: Promise<void> | undefined;
    let content: DigestContent | undefined;
    let contentAt = 0;
    let template: CompiledEmail | undefined;

    const claimMore = async (): Promise<void> => {
      const started = now();
      // Before claiming: a broken template must fail the pass, not strand claimed deliveries.
      template = await deps.template();
      await deps.store.recoverExpiredLeases(started.toISOString());
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
      if (!content || started.getTime() - contentAt > 60_000) {
        content = await loadContent(deps.store, await deps.categoryNames(), started, s);
        contentAt = started.getTime();
      }
      const weekAgo = new Date(started.getTime() - 8 * 86_400_000).toISOString();
      const history = await deps.store.history(batch.map((d) => d.subscriberId), weekAgo);
      // Choose every digest's stories now and record them in one transaction, before any send:
      // a resend after a crash then carries the same stories under the same Message-ID.
      const composed: Array<{ deliveryId: number; articleIds: number[]; messageId: string }> = [];
      const empty: number[] = [];
      for (const delivery of batch) {
        const stories = delivery.articleIds
          ? storiesByIds(content, delivery.articleIds)
          : storiesFor(content.ranked, { ...delivery, ...history.get(delivery.subscriberId)! }, s.topStories, started);
        if (!stories.length) {
          empty.push(delivery.deliveryId);
          continue;
        }
        const messageId = messageIdFor(delivery.editionId, delivery.subscriberId, s.mailHost);
        if (!delivery.articleIds) composed.push({ deliveryId: delivery.deliveryId, articleIds: stories.map((x) => x.articleId), messageId });
        queue.push({ delivery, stories, messageId, claimedAt: performance.now() });
      }
      await deps.store.recordComposition(composed, empty, started.toISOString(), "nothing new since the last digest");
      result.skipped += empty.length;
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
        if (queue.length <= s.concurrency && !exhausted) void refill();
        const item = queue.shift();
        if (!item) {
          if (exhausted) return;
          await refill();
          continue;
        }
        // A delivery that waited here past half its lease may soon be (or have been) claimed again
        // by another worker: leave it to whoever claims it after the lease, rather than risk two sends.
        if (performance.now() - item.claimedAt > (s.leaseSeconds * 1000) / 2) continue;
        await deliverOne(item, content!, template!, result);
        options.onProgress?.(result);
      }
    };
    await Promise.all(Array.from({ length: s.concurrency }, lane));
    if (failure) throw failure;
    return result;
  }

  async function deliverOne(
    item: { delivery: ClaimedDelivery; stories: DigestArticle[]; messageId: string },
    content: DigestContent,
    template: CompiledEmail,
    result: DrainResult,
  ): Promise<void> {
    try {
      await deps.mailer.send(render(item.delivery, item.stories, content, template, item.messageId, now()));
    } catch (error) {
      await recordFailure(item.delivery, error, result);
      return;
    }
    result.sent++;
    // Sent but not recorded (the database is down): the lease runs out and it is resent, same Message-ID.
    await recordSent(item.delivery.deliveryId).catch((error: Error) =>
      deps.logger.error({ delivery: item.delivery.deliveryId, err: error.message }, "digest: sent, but could not record it"),
    );
  }

  function render(d: ClaimedDelivery, stories: DigestArticle[], content: DigestContent, template: CompiledEmail, messageId: string, at: Date): MailMessage {
    const unsubscribeUrl = deps.links.unsubscribe(d.subscriberId, d.tokenVersion);
    const { view, html, text } = renderDigest(template, {
      topStories: stories,
      related: content.relator,
      categoryNames: content.categoryNames,
      frequency: d.frequency,
      timezone: d.timezone,
      now: at,
      publisher: { name: s.publisherName, address: s.publisherAddress },
      links: {
        viewUrl: deps.links.view(d.editionId, d.subscriberId, d.tokenVersion),
        preferencesUrl: deps.links.preferences(d.subscriberId, d.tokenVersion),
        unsubscribeUrl,
      },
      relatedCount: s.relatedStories,
    });
    return {
      to: d.email,
      subject: view.subject,
      html,
      text,
      messageId,
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": `${s.publisherName} ${d.frequency} digest <${d.frequency}.digest.${s.mailHost}>`,
        "X-Dispatch-Edition": String(d.editionId),
      },
    };
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
   * Sends that complete in the same turn of the event loop are marked sent in one statement, written
   * in the next turn: one write for many messages when sending is fast, and still a lane records its
   * message before it sends another (a crash can only resend what was in flight).
   */
  let sentIds: number[] = [];
  let sentFlush: Promise<void> | undefined;
  function recordSent(deliveryId: number): Promise<void> {
    sentIds.push(deliveryId);
    sentFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const ids = sentIds;
      sentIds = [];
      sentFlush = undefined;
      await deps.store.markSent(ids, now().toISOString());
    });
    return sentFlush;
  }

  return { workerId, drain };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

function storiesByIds(content: DigestContent, ids: number[]): DigestArticle[] {
  return ids.map((id) => content.byId.get(id)).filter((a): a is DigestArticle => a !== undefined);
}
