// Double opt-in: subscribe (record consent, send a confirmation) and confirm (activate).
import { ValidationError } from "#src/errors.js";
import type { Subscriber } from "#src/model.js";
import type { ConsentContext, SubscriberDeps } from "#src/subscribers/deps.js";
import { subscribeSchema, type ChoicesInput } from "#src/subscribers/input.js";
import { subscriberFor } from "#src/subscribers/access.js";
import { sendConfirmation } from "#src/subscribers/confirmation.js";
import { parseOrThrow } from "#src/validate.js";

const nowOf = (deps: SubscriberDeps) => (deps.now?.() ?? new Date()).toISOString();

/** Unknown category slugs are a 400 naming them. */
export async function assertKnownCategories(deps: SubscriberDeps, slugs: string[]): Promise<void> {
  const known = new Set((await deps.categories.list()).map((c) => c.slug));
  const unknown = slugs.filter((s) => !known.has(s));
  if (unknown.length) throw new ValidationError("subscriber: invalid input", { categories: `unknown category "${unknown.join('", "')}"` });
}

/**
 * Every outcome looks the same to the caller (no enumeration): a new, pending or unsubscribed
 * address gets a confirmation link, an active one a pointer to its preferences, a suppressed one
 * (hard bounces, complaints) nothing. A mail failure is logged, not shown.
 */
export async function subscribe(deps: SubscriberDeps, input: unknown, context: ConsentContext): Promise<void> {
  const { email, ...choices } = parseOrThrow(subscribeSchema, input, "subscriber");
  await assertKnownCategories(deps, choices.categories);
  const now = nowOf(deps);
  const consent = { at: now, ip: context.ip, userAgent: context.userAgent?.slice(0, 500) ?? null, source: "form", confirmedAt: null };
  const existing = await deps.subscribers.getByEmail(email);
  let subscriber: Subscriber;
  let kind: "confirm" | "already_active" = "confirm";
  if (!existing) subscriber = await insertOrFind(deps, { email, ...choices, consent }, now);
  else if (existing.status === "pending") subscriber = await deps.subscribers.update(existing.id, { ...choices, consent }, now);
  else if (existing.status === "unsubscribed")
    // A new subscription: links sent for the old one stop working.
    subscriber = await deps.subscribers.update(existing.id, { ...choices, consent, status: "pending", unsubscribedAt: null }, now, true);
  else if (existing.status === "active") [subscriber, kind] = [existing, "already_active"];
  else return deps.logger.info({ subscriber: existing.id }, "subscribers: suppressed address asked to subscribe; no email sent");
  // Sent after the answer, so its timing says nothing about the address either.
  const send = sendConfirmation(deps, subscriber, kind).catch((error: unknown) =>
    deps.logger.error({ err: error, subscriber: subscriber.id }, "subscribers: confirmation email failed"),
  );
  if (deps.later) deps.later(send);
  else await send;
}

async function insertOrFind(deps: SubscriberDeps, fields: ChoicesInput & { email: string; consent: Subscriber["consent"] }, now: string): Promise<Subscriber> {
  try {
    return await deps.subscribers.insert({ ...fields, status: "pending", unsubscribedAt: null }, now);
  } catch (error) {
    // Two submissions of the same new address at once: the second finds the first's row.
    const raced = await deps.subscribers.getByEmail(fields.email);
    if (raced) return raced;
    throw error;
  }
}

/** Activates a pending subscriber; confirming twice is harmless. */
export async function confirm(deps: SubscriberDeps, token: unknown): Promise<Subscriber> {
  const subscriber = await subscriberFor(deps, token, "confirm");
  if (subscriber.status !== "pending") return subscriber;
  const now = nowOf(deps);
  return deps.subscribers.update(subscriber.id, { status: "active", consent: { ...subscriber.consent, confirmedAt: now } }, now);
}
