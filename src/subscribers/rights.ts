// A subscriber's own data rights, by their preferences link: a copy of what we hold, and erasure.
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { subscriberFor } from "#src/subscribers/access.js";
import { exportOf } from "#src/subscribers/admin.js";
import { erase } from "#src/subscribers/erasure.js";

/** What we hold about the token's holder: their record with its consent, and every digest sent to them. */
export async function dataOf(deps: SubscriberDeps, token: unknown) {
  const subscriber = await subscriberFor(deps, token, "preferences");
  const base = deps.baseUrl().replace(/\/+$/, "");
  const sent = await deps.subscribers.digestsSentTo(subscriber.id);
  return {
    subscriber: exportOf(subscriber),
    digests: sent.map((d) => ({
      edition: d.editionId,
      frequency: d.frequency,
      period: d.period,
      sentAt: d.sentAt,
      stories: d.stories.map((s) => ({ title: s.title, url: `${base}/articles/${encodeURIComponent(s.slug)}` })),
    })),
  };
}

/** Erases the token's holder (see erasure.ts): every link they hold stops working. */
export async function eraseSelf(deps: SubscriberDeps, token: unknown): Promise<void> {
  const subscriber = await subscriberFor(deps, token, "preferences");
  await erase(deps, subscriber.email);
  deps.logger.info({ subscriber: subscriber.id }, "subscribers: erased at the subscriber's request");
}
