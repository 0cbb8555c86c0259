// The subscriber service: one object over the use cases, built once by the composition root.
import type { ConsentContext, SubscriberDeps } from "#src/subscribers/deps.js";
import { confirm, subscribe } from "#src/subscribers/optin.js";
import { preferences, savePreferences, unsubscribe, unsubscribeAddress, unsubscribeTarget } from "#src/subscribers/preferences.js";
import { eraseSubscriber, exportSubscriber, importSubscriber, importSubscribers, listSubscribers } from "#src/subscribers/admin.js";
import { importCsv, type CsvImportOptions } from "#src/subscribers/csv-import.js";
import { exportCsv } from "#src/subscribers/csv-export.js";
import type { Readable } from "node:stream";
import { linksFor } from "#src/subscribers/access.js";
import { dataOf, eraseSelf } from "#src/subscribers/rights.js";
import type { Subscriber, SubscriberStatus } from "#src/model.js";

export function createSubscriberService(base: SubscriberDeps) {
  const inFlight = new Set<Promise<void>>();
  const later = (task: Promise<void>) => {
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  const deps: SubscriberDeps = { later, ...base };
  return {
    /** Resolves when the emails already started have been handed to the mailer. */
    drain: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    subscribe: (input: unknown, context: ConsentContext) => subscribe(deps, input, context),
    confirm: (token: unknown) => confirm(deps, token),
    preferences: (token: unknown) => preferences(deps, token),
    savePreferences: (token: unknown, input: unknown) => savePreferences(deps, token, input),
    unsubscribeTarget: (token: unknown) => unsubscribeTarget(deps, token),
    unsubscribe: (token: unknown) => unsubscribe(deps, token),
    /** Everything held about a preferences token's holder, digests sent included. */
    dataOf: (token: unknown) => dataOf(deps, token),
    /** Erases a preferences token's holder at their own request. */
    eraseSelf: (token: unknown) => eraseSelf(deps, token),
    /** A normalized address reported as unsubscribed by the mail provider. */
    unsubscribeAddress: (email: string) => unsubscribeAddress(deps, email),
    /** Freshly signed confirm / preferences / unsubscribe URLs (the digest uses the last two). */
    links: (subscriber: Pick<Subscriber, "id" | "tokenVersion">) => linksFor(deps, subscriber),
    import: (input: unknown) => importSubscriber(deps, input),
    importMany: (entries: unknown[]) => importSubscribers(deps, entries),
    /** A CSV list, read as it streams; answers the report (nothing written on a dry run). */
    importCsv: (source: Readable, options: CsvImportOptions) => importCsv(deps, source, options),
    /** Every subscriber as CSV, streamed. */
    exportCsv: () => exportCsv(deps),
    list: (query: { status?: SubscriberStatus | undefined; page: number; pageSize: number }) => listSubscribers(deps, query),
    export: (email: string) => exportSubscriber(deps, email),
    erase: (email: string) => eraseSubscriber(deps, email),
  };
}

export type SubscriberService = ReturnType<typeof createSubscriberService>;
