// A dry run: every active subscriber's digest, built exactly as the worker builds it (stories,
// links, headers), written through a mailer (the outbox) without sending or recording anything.
import type { Frequency } from "#src/model.js";
import { composeMail, type MailIdentity, type PreparedMail } from "#src/mail/compose.js";
import type { SendResult } from "#src/mail/transport.js";
import { loadContent } from "#src/digest/content.js";
import { storiesFor } from "#src/digest/rank.js";
import { renderJob } from "#src/digest/render-batch.js";
import { renderJobFor, renderOptionsOf } from "#src/digest/message.js";
import { historySince, type DeliveryDeps } from "#src/digest/deps.js";

export interface DryRunResult {
  /** Active subscribers of the frequency. */
  subscribers: number;
  /** Digests written (a subscriber with nothing new gets none, as in an edition). */
  written: number;
}

export interface DryRunOutbox {
  identity: MailIdentity;
  sendPrepared(mail: PreparedMail): Promise<SendResult>;
}

/** Stands for the edition in links and headers: a dry run has none. */
const NO_EDITION = 0;
const CHUNK = 500;

export async function dryRun(
  deps: DeliveryDeps,
  frequency: Frequency,
  outbox: DryRunOutbox,
  onProgress?: (done: number, total: number) => void,
): Promise<DryRunResult> {
  const at = (deps.now ?? (() => new Date()))();
  const s = deps.settings;
  const audience = await deps.store.activeSubscribers(frequency);
  const content = await loadContent(deps.store, await deps.categoryNames(), at, { ...s, link: deps.links.story });
  const template = await deps.template();
  const options = renderOptionsOf(s);
  const since = historySince(at);
  let done = 0;
  let written = 0;
  for (let i = 0; i < audience.length; i += CHUNK) {
    const ids = audience.slice(i, i + CHUNK).map((a) => a.id);
    const history = await deps.store.history(ids, since);
    for (const id of ids) {
      const subscriber = await deps.store.subscriberById(id);
      if (subscriber) {
        const delivery = {
          deliveryId: 0,
          editionId: NO_EDITION,
          subscriberId: id,
          email: subscriber.email,
          attempts: 0,
          articleIds: null,
          categories: subscriber.categories,
          frequency,
          timezone: subscriber.timezone,
          tokenVersion: subscriber.tokenVersion,
        };
        const stories = storiesFor(content.ranked, { ...delivery, ...history.get(id)! }, s.topStories, at);
        if (stories.length) {
          const messageId = `<dry-run.subscriber-${id}@${s.mailHost}>`;
          const job = renderJobFor(
            delivery,
            stories.map((x) => x.articleId),
            deps.links,
            messageId,
            s,
          );
          const { subject, html, text } = renderJob(template, content, job, options, at);
          await outbox.sendPrepared(await composeMail(outbox.identity, { ...job.message, subject: `[dry run] ${subject}`, html, text }));
          written++;
        }
      }
      onProgress?.(++done, audience.length);
    }
  }
  return { subscribers: audience.length, written };
}
