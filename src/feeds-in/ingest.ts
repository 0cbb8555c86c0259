// One pull of one partner: fetch → parse → normalize → sanitize → save → record health.
// The only place that knows the order; a failure at any step is recorded on the partner, never thrown.
// Parse, normalize and sanitize run in a parse worker (read.ts); the main thread fetches and saves.
import type { Partner, PartnerHealth } from "#src/model.js";
import type { Fetcher } from "#src/feeds-in/fetch.js";
import type { FetchResult } from "#src/feeds-in/fetch-types.js";
import type { ParsePool } from "#src/feeds-in/parse.js";
import { saveItems, type SavePort } from "#src/feeds-in/save.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import type { Skipped } from "#src/feeds-in/item.js";
import { nextPullAfterFailure, nextPullAfterSuccess, pacedInterval, type PolicyLimits, type PullHints } from "#src/feeds-in/schedule-policy.js";
import { learnPace } from "#src/feeds-in/pace.js";
import { withinBounds } from "#src/feeds-in/update-period.js";

export interface PullReport {
  status: "ok" | "not_modified" | "error";
  new: number;
  updated: number;
  unchanged: number;
  skipped: Skipped[];
  errors: string[];
}

/** The ports a pull uses: health bookkeeping and the skipped list, beside the save step's. */
export interface IngestPort extends SavePort {
  validators(slug: string): Promise<{ etag: string | null; lastModified: string | null }>;
  recordHealth(slug: string, health: Partial<Omit<PartnerHealth, "healthy">> & { etag?: string | null; lastModified?: string | null }): Promise<void>;
  replaceSkipped(slug: string, skipped: Skipped[], now: string): Promise<void>;
}

export interface IngestDeps {
  port: IngestPort;
  fetcher: Fetcher;
  parser: ParsePool;
  limits: PolicyLimits;
  /** Told of each document pulled, with the publication dates of the items it saved as new (WebSub: discovery, a hub that does not push). */
  onDocument?: (partner: Partner, fetched: FetchedDocument, newItems: Array<string | null>) => Promise<void>;
}

/** A fetched feed document: what a pull returns with status "ok", or what a hub pushed. */
export type FetchedDocument = Extract<FetchResult, { status: "ok" }>;

/**
 * A document a partner's hub pushed to us (WebSub content distribution) takes the pull's steps after
 * the fetch, so that an item pushed twice, or pushed and pulled, is saved once.
 */
export function pushToPartner(deps: IngestDeps, partner: Partner, fetched: FetchedDocument, now: Date): Promise<PullReport> {
  const { onDocument: _discovery, ...rest } = deps;
  return pullPartner({ ...rest, fetcher: { ...deps.fetcher, fetchFeed: async () => fetched } }, partner, now);
}

export async function pullPartner(deps: IngestDeps, partner: Partner, now: Date): Promise<PullReport> {
  const report: PullReport = { status: "ok", new: 0, updated: 0, unchanged: 0, skipped: [], errors: [] };
  try {
    const validators = await deps.port.validators(partner.slug);
    const fetched = await deps.fetcher.fetchFeed({ url: partner.url!, ...validators, allowPrivateNetwork: partner.allowPrivateNetwork });
    if (fetched.status === "not_modified") {
      // A 304 has no document to read a ttl or sy:updatePeriod from: the last document's still hold,
      // within the partner's bounds of this moment.
      await recordSuccess(
        deps,
        partner,
        now,
        { lastStatus: "not_modified" },
        feedHints(partner, partner.health.feedTtlMinutes ?? undefined, partner.health.feedUpdatePeriodMinutes ?? undefined, fetched.maxAgeSeconds),
      );
      return { ...report, status: "not_modified" };
    }
    const { name, category, categoryMap, fullContent } = partner;
    const read = await deps.parser.read(fetched.text, fetched.contentType, {
      partner: { name, category, categoryMap, fullContent },
      finalUrl: fetched.linkBase ?? fetched.finalUrl,
      fetchedAt: now.toISOString(),
    });
    if (read.recovered) report.errors.push(`parse: malformed feed, kept what could be read (${read.recovered})`);
    report.skipped.push(...read.skipped);
    let lastNewItemAt = partner.health.lastNewItemAt;
    const newItems: Array<string | null> = [];
    const items = read.items;
    // One batch per pull: a store failure keeps none of it and is recorded on the partner below.
    const outcomes = await saveItems(deps.port, partner, items, now);
    for (const [n, outcome] of outcomes.entries()) {
      if (outcome === "new") lastNewItemAt = latest(lastNewItemAt, items[n]!.publishedAt ?? now.toISOString());
      if (outcome === "new") newItems.push(items[n]!.publishedAt ?? null);
      if (typeof outcome === "string") report[outcome] += 1;
      else report.skipped.push({ item: items[n]!.itemId, reason: `save: ${reasonOf(outcome.error)}` });
    }
    await deps.port.replaceSkipped(partner.slug, report.skipped, now.toISOString());
    const health = {
      lastStatus: "ok",
      lastError: report.errors[0] ?? null,
      items: report.new + report.updated + report.unchanged,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      ...learnPace(read.dates, now),
      lastNewItemAt,
    };
    const kept = { feedTtlMinutes: wholeMinutes(read.ttlMinutes), feedUpdatePeriodMinutes: wholeMinutes(read.updatePeriodMinutes) };
    await recordSuccess(deps, partner, now, { ...health, ...kept }, feedHints(partner, read.ttlMinutes, read.updatePeriodMinutes, fetched.maxAgeSeconds));
    await deps.onDocument?.(partner, fetched, newItems);
    return report;
  } catch (error) {
    report.errors.push(reasonOf(error));
    await recordFailure(deps, partner, now, error);
    return { ...report, status: "error" };
  }
}

async function recordSuccess(
  deps: IngestDeps,
  partner: Partner,
  now: Date,
  health: Partial<PartnerHealth> & { etag?: string | null; lastModified?: string | null },
  hints: PullHints,
): Promise<void> {
  await deps.port.recordHealth(partner.slug, {
    lastError: null,
    ...health,
    lastPullAt: now.toISOString(),
    errorCount: 0,
    failingSince: null,
    // A 304 learns nothing: the pace from the last pull that read the feed still holds.
    nextPullAt: nextPullAfterSuccess(
      now,
      pacedInterval(partner, health.learnedIntervalMinutes === undefined ? partner.health.learnedIntervalMinutes : health.learnedIntervalMinutes),
      hints,
      deps.limits,
    ),
  });
}

async function recordFailure(deps: IngestDeps, partner: Partner, now: Date, error: unknown): Promise<void> {
  const errorCount = partner.health.errorCount + 1;
  const retryAfter = error instanceof PartnerPullError ? error.retryAfterSeconds : undefined;
  await deps.port.recordHealth(partner.slug, {
    lastPullAt: now.toISOString(),
    lastStatus: "error",
    lastError: reasonOf(error).slice(0, 2000),
    errorCount,
    failingSince: partner.health.failingSince ?? now.toISOString(),
    nextPullAt: nextPullAfterFailure(now, pacedInterval(partner, partner.health.learnedIntervalMinutes), errorCount, retryAfter, deps.limits),
  });
}

/** What the feed and the response ask for: the sy:updatePeriod within the partner's bounds of this moment. */
function feedHints(partner: Partner, ttlMinutes: number | undefined, updatePeriodMinutes: number | undefined, maxAgeSeconds: number | undefined): PullHints {
  return { ttlMinutes, updatePeriodMinutes: withinBounds(updatePeriodMinutes, partner), maxAgeSeconds };
}

/** A hint kept on the partner: whole minutes, rounded up (a <ttl> may say 1.5). */
function wholeMinutes(minutes: number | undefined): number | null {
  return minutes === undefined ? null : Math.ceil(minutes);
}

function latest(a: string | null, b: string): string {
  return a && a > b ? a : b;
}

function reasonOf(error: unknown): string {
  if (error instanceof PartnerPullError) return error.message;
  const fields = (error as { fields?: Record<string, string> }).fields;
  const detail =
    fields && Object.keys(fields).length
      ? `: ${Object.entries(fields)
          .map(([k, v]) => `${k} ${v}`)
          .join("; ")}`
      : "";
  return `${(error as Error)?.message ?? String(error)}${detail}`;
}
