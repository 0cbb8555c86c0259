// What a token holder may do: see and change their choices, and leave.
import type { Subscriber } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { choicesSchema } from "#src/subscribers/input.js";
import { subscriberFor } from "#src/subscribers/access.js";
import { assertKnownCategories } from "#src/subscribers/optin.js";
import { parseOrThrow } from "#src/validate.js";

const nowOf = (deps: SubscriberDeps) => (deps.now?.() ?? new Date()).toISOString();

export function preferences(deps: SubscriberDeps, token: unknown): Promise<Subscriber> {
  return subscriberFor(deps, token, "preferences");
}

export async function savePreferences(deps: SubscriberDeps, token: unknown, input: unknown): Promise<Subscriber> {
  const subscriber = await subscriberFor(deps, token, "preferences");
  const choices = parseOrThrow(choicesSchema, input, "preferences");
  await assertKnownCategories(deps, choices.categories);
  return deps.subscribers.update(subscriber.id, choices, nowOf(deps));
}

/** Check the token only: what the one-button page shows. */
export function unsubscribeTarget(deps: SubscriberDeps, token: unknown): Promise<Subscriber> {
  return subscriberFor(deps, token, "unsubscribe");
}

/** RFC 8058: at once, no questions, idempotent. A suppressed address stays suppressed. */
export async function unsubscribe(deps: SubscriberDeps, token: unknown): Promise<Subscriber> {
  return leave(deps, await subscriberFor(deps, token, "unsubscribe"));
}

/** A provider's unsubscribe report (the address only): as the one-click link. Unknown addresses: undefined. */
export async function unsubscribeAddress(deps: SubscriberDeps, email: string): Promise<Subscriber | undefined> {
  const subscriber = await deps.subscribers.getByEmail(email);
  return subscriber && leave(deps, subscriber);
}

async function leave(deps: SubscriberDeps, subscriber: Subscriber): Promise<Subscriber> {
  if (subscriber.status === "unsubscribed" || subscriber.status === "suppressed") return subscriber;
  const now = nowOf(deps);
  return deps.subscribers.update(subscriber.id, { status: "unsubscribed", unsubscribedAt: now }, now);
}
