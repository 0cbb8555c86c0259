// Erasing a subscriber: the row goes (deliveries and reports with it, its tokens die: ids are never
// reused); only a keyed hash of the address stays, so an import of it again is not mailed without
// fresh consent.
import type { Subscriber } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";

/** Answers whether there was a subscriber with this (normalized) address. */
export function erase(deps: SubscriberDeps, email: string): Promise<boolean> {
  return deps.subscribers.erase(email, deps.tokens.addressHash(email), (deps.now?.() ?? new Date()).toISOString());
}

/** The addresses among these (normalized) whose subscriber was erased. */
export async function erasedAddresses(deps: SubscriberDeps, emails: string[]): Promise<Set<string>> {
  const hashes = new Map(emails.map((email) => [deps.tokens.addressHash(email), email]));
  const erased = await deps.subscribers.erasedAmong([...hashes.keys()]);
  return new Set([...erased].flatMap((hash) => hashes.get(hash) ?? []));
}

/**
 * A new record for an erased address comes in opted out, whatever the import says: it is not mailed,
 * and only its owner's fresh double opt-in (the public form) makes it active again.
 */
export function heldBack<T extends Pick<Subscriber, "status" | "consent" | "unsubscribedAt">>(record: T, now: string): T {
  if (record.status === "unsubscribed" || record.status === "suppressed") return record;
  return { ...record, status: "unsubscribed", unsubscribedAt: now, consent: { ...record.consent, confirmedAt: null } };
}
