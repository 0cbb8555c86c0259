// Operators' calls: import (no email), counts and a paged list, export and erase (privacy requests).
import { NotFoundError, ValidationError } from "#src/errors.js";
import type { Subscriber, SubscriberStatus } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { importSchema } from "#src/subscribers/input.js";
import { normalizeEmail } from "#src/subscribers/address.js";
import { assertKnownCategories } from "#src/subscribers/optin.js";
import { parseOrThrow } from "#src/validate.js";
import { erase, erasedAddresses, heldBack } from "#src/subscribers/erasure.js";

/** What we hold about one subscriber, as GET /api/subscribers/{email} shows it. */
export function exportOf(s: Subscriber) {
  return {
    email: s.email,
    status: s.status,
    categories: s.categories,
    frequency: s.frequency,
    timezone: s.timezone,
    sendHour: s.sendHour,
    consent: s.consent,
    unsubscribedAt: s.unsubscribedAt,
    bounceCount: s.bounceCount,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/**
 * Moves an existing list in. Sends nothing. An address already known keeps its status, except that a
 * confirmed import activates a pending one: an import never overrides an opt-out, and an erased
 * address comes in opted out.
 */
export async function importSubscriber(deps: SubscriberDeps, input: unknown): Promise<{ subscriber: Subscriber; created: boolean }> {
  const { email, confirmed, consentSource, consentAt, ...choices } = parseOrThrow(importSchema, input, "subscriber");
  await assertKnownCategories(deps, choices.categories);
  const now = (deps.now?.() ?? new Date()).toISOString();
  const status: SubscriberStatus = confirmed ? "active" : "pending";
  const consent = { at: consentAt ?? now, ip: null, userAgent: null, source: consentSource ?? "import", confirmedAt: confirmed ? (consentAt ?? now) : null };
  const existing = await deps.subscribers.getByEmail(email);
  if (!existing) {
    const record = { email, ...choices, status, consent, unsubscribedAt: null };
    const erased = (await erasedAddresses(deps, [email])).has(email);
    return { subscriber: await deps.subscribers.insert(erased ? heldBack(record, now) : record, now), created: true };
  }
  // Only a confirmed import moves the status forward (pending → active); nothing moves it back.
  const keepStatus = existing.status !== "pending" || !confirmed;
  const changes = keepStatus ? choices : { ...choices, status, consent };
  return { subscriber: await deps.subscribers.update(existing.id, changes, now), created: false };
}

/** At most this many subscribers in one bulk import call. */
export const MAX_IMPORT = 5000;

export interface BulkImportResult {
  created: number;
  updated: number;
  /** Entries not imported, by their place in the list, each with what was wrong. */
  errors: Array<{ index: number; email: string | null; error: string; fields: Record<string, string> }>;
}

/**
 * A whole list in one call (`{"subscribers": [...]}`): each entry as importSubscriber would take it,
 * one by one, so a bad entry is reported by its index and the good ones still go in (an import is
 * idempotent: the corrected entries can be sent again).
 */
export async function importSubscribers(deps: SubscriberDeps, entries: unknown[]): Promise<BulkImportResult> {
  if (entries.length > MAX_IMPORT)
    throw new ValidationError("subscriber: invalid input", { subscribers: `at most ${MAX_IMPORT} subscribers in one call (got ${entries.length})` });
  const result: BulkImportResult = { created: 0, updated: 0, errors: [] };
  for (const [index, entry] of entries.entries()) {
    try {
      const { created } = await importSubscriber(deps, entry);
      if (created) result.created++;
      else result.updated++;
    } catch (error) {
      // Reported with the entry, whatever went wrong (a bad field, or a write that failed): the
      // caller learns which entries to send again, and the others stay imported.
      const email = typeof (entry as { email?: unknown })?.email === "string" ? (entry as { email: string }).email : null;
      const fields = error instanceof ValidationError ? error.fields : {};
      result.errors.push({ index, email, error: (error as Error).message ?? String(error), fields });
    }
  }
  return result;
}

export async function listSubscribers(deps: SubscriberDeps, query: { status?: SubscriberStatus | undefined; page: number; pageSize: number }) {
  const [counts, rows] = await Promise.all([
    deps.subscribers.counts(),
    deps.subscribers.list({ status: query.status, limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
  ]);
  return { counts, page: query.page, pageSize: query.pageSize, subscribers: rows.map(exportOf) };
}

export async function exportSubscriber(deps: SubscriberDeps, email: string) {
  const subscriber = await deps.subscribers.getByEmail(normalizeEmail(email));
  if (!subscriber) throw new NotFoundError(`subscriber: no subscriber ${normalizeEmail(email)}`);
  return exportOf(subscriber);
}

/** Deletes the row (its tokens die with it) and keeps the address's keyed hash: see erasure.ts. */
export async function eraseSubscriber(deps: SubscriberDeps, email: string): Promise<void> {
  if (!(await erase(deps, normalizeEmail(email)))) throw new NotFoundError(`subscriber: no subscriber ${normalizeEmail(email)}`);
}
