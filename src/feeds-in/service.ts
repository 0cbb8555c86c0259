// Partners as the rest of the app sees them: definitions (files and API), pulls now or when due, health.
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { ArticleChange, Partner } from "#src/model.js";
import { groupedTransactions, type Store } from "#src/store/index.js";
import type { ArticleService } from "#src/articles/service.js";
import { NotFoundError, ValidationError } from "#src/errors.js";
import { parseOrThrow } from "#src/validate.js";
import { apiPartnerSchema } from "#src/feeds-in/definition.js";
import { loadDefinitions, type DefinitionFileError } from "#src/feeds-in/definitions.js";
import { createFetcher } from "#src/feeds-in/fetch.js";
import { createParsePool } from "#src/feeds-in/parse.js";
import { pullPartner, pushToPartner, type IngestDeps, type IngestPort, type PullReport } from "#src/feeds-in/ingest.js";
import { createWebsubSubscriber } from "#src/feeds-in/websub-subscriber.js";
import { isHealthy, nextPullAfterSuccess, pacedInterval, type PolicyLimits } from "#src/feeds-in/schedule-policy.js";

export interface PartnerConfig extends PolicyLimits {
  partnersDir: string;
  timeoutMs: number;
  maxBytes: number;
  concurrency: number;
  parseWorkers: number;
  parseTimeoutMs: number;
  parseMemoryMb: number;
  userAgent: string;
  /** Our public origin (BASE_URL), read at each pull: relative links in a feed delivered as a file resolve against it. */
  publicBase?: () => string;
  /** The lease asked of partners' hubs (WebSub). */
  websubLeaseSeconds?: number;
  /** A partner whose hub pushes to us is pulled at least this far apart. */
  pushedPollMinutes?: number;
}

export interface PartnerServiceDeps {
  store: Store;
  articles: ArticleService;
  logger: Logger;
  now?: () => Date;
  /** Told the outcome of every pull (metrics). */
  onPull?: (outcome: PullReport["status"]) => void;
  /** A partner was created, changed, enabled or disabled (its keys' cached checks must go). */
  onSaved?: () => void;
}

export interface PollSummary {
  due: number;
  ok: number;
  notModified: number;
  failed: number;
  new: number;
  updated: number;
  unchanged: number;
  /** The partners whose pull failed, with the error recorded on each. */
  failures: Array<{ slug: string; error: string }>;
}

export function createPartnerService(deps: PartnerServiceDeps, config: PartnerConfig) {
  const now = deps.now ?? (() => new Date());
  const fetcher = createFetcher({
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxBytes,
    maxRedirects: 5,
    userAgent: config.userAgent,
    fileRoot: config.partnersDir,
    ...(config.publicBase ? { publicBase: config.publicBase } : {}),
  });
  const parser = createParsePool({ workers: config.parseWorkers, timeoutMs: config.parseTimeoutMs, maxMemoryMb: config.parseMemoryMb });
  const ingest: IngestDeps = { port: ingestPort(deps), fetcher, parser, limits: config };
  // WebSub subscriber side: a pulled feed that names a hub is subscribed to; pushes take the pull's steps.
  const websub = createWebsubSubscriber(
    { store: deps.store, logger: deps.logger, now, baseUrl: config.publicBase ?? (() => "http://localhost"), ingest: (slug, document) => push(slug, document) },
    { leaseSeconds: config.websubLeaseSeconds ?? 864000, timeoutMs: config.timeoutMs, userAgent: config.userAgent },
  );
  ingest.onDocument = async (partner, fetched, newItems) => {
    await websub.discovered(partner, fetched).catch((error: unknown) => deps.logger.warn({ partner: partner.slug, err: error }, "websub: discovery failed"));
    if (!newItems.length) return;
    await websub
      .pulledNew(partner.slug, newItems, now())
      .then(async (missed) => {
        if (missed && onSafetyNet.has(partner)) await unpacedByPush(partner.slug);
      })
      .catch((error: unknown) => deps.logger.warn({ partner: partner.slug, err: error }, "websub: missed items not recorded"));
  };
  /** The partners (as handed to a pull) that pacedByPush moved to the safety-net interval. */
  const onSafetyNet = new WeakSet<Partner>();
  const pushes = new Map<string, Promise<unknown>>();
  const inFlight = new Map<string, Promise<PullReport>>();
  const withHealth = (p: Partner): Partner => ({ ...p, health: { ...p.health, healthy: isHealthy(p.health.failingSince, now(), config) } });

  async function mustGet(slug: string): Promise<Partner> {
    const partner = await deps.store.partners.get(slug);
    if (!partner) throw new NotFoundError(`partner "${slug}" not found`);
    return partner;
  }

  /** The scheduled check of WebSub leases (each scheduler tick): renews those about to end. */
  const renewLeases = () => websub.renewDue().catch((error: unknown) => deps.logger.warn({ err: error }, "websub: lease renewal failed"));

  /** A partner whose hub pushes to us keeps only a safety-net pull, PARTNER_PUSHED_POLL_MINUTES apart. */
  async function pacedByPush(partner: Partner): Promise<Partner> {
    const minutes = config.pushedPollMinutes ?? 360;
    if (!(await websub.pushed(partner.slug))) return partner;
    // The bounds too: a learned pace (kept within them) must not bring the pulls closer.
    const floor = Math.max(partner.intervalMinutes, minutes);
    const paced = {
      ...partner,
      intervalMinutes: floor,
      minIntervalMinutes: Math.max(partner.minIntervalMinutes, floor),
      maxIntervalMinutes: Math.max(partner.maxIntervalMinutes, floor),
    };
    onSafetyNet.add(paced);
    return paced;
  }

  /** The hub missed items this pull found: the next pull comes at the partner's own pace, not the safety net's (only ever sooner). */
  async function unpacedByPush(slug: string): Promise<void> {
    const stored = await deps.store.partners.get(slug);
    if (!stored?.health.nextPullAt || !stored.health.lastPullAt) return;
    const next = nextPullAfterSuccess(new Date(stored.health.lastPullAt), pacedInterval(stored, stored.health.learnedIntervalMinutes), {}, config);
    if (next < stored.health.nextPullAt) await deps.store.partners.recordHealth(slug, { nextPullAt: next });
  }

  /** A pushed document, after the partner's running pull and earlier pushes (one at a time, so dedupe sees each save). */
  function push(slug: string, document: Parameters<typeof pushToPartner>[2]): Promise<void> {
    const previous = Promise.allSettled([pushes.get(slug), inFlight.get(slug)]);
    const next = previous.then(async () => {
      const partner = await deps.store.partners.get(slug);
      if (!partner?.enabled) return;
      const report = await pushToPartner(ingest, await pacedByPush(partner), document, now());
      if (report.status === "error") throw new Error(report.errors[0] ?? "unknown error");
    });
    const settled = next.catch(() => {}).finally(() => pushes.get(slug) === settled && pushes.delete(slug));
    pushes.set(slug, settled);
    return next;
  }

  /** One pull at a time per partner: a second caller waits for the pull already running. */
  function pull(partner: Partner): Promise<PullReport> {
    let running = inFlight.get(partner.slug);
    if (!running) {
      running = pacedByPush(partner)
        .then((paced) => pullPartner(ingest, paced, now()))
        .then((report) => (deps.onPull?.(report.status), report))
        .finally(() => inFlight.delete(partner.slug));
      inFlight.set(partner.slug, running);
    }
    return running;
  }

  return {
    list: async () => {
      const push = await websub.healthOfAll();
      return (await deps.store.partners.list()).map(withHealth).map((p) => ({ ...p, health: { ...p.health, push: push.get(p.slug) ?? null } }));
    },
    get: async (slug: string) => {
      const partner = withHealth(await mustGet(slug));
      return { ...partner, health: { ...partner.health, push: await websub.health(slug) } };
    },
    websub,
    /** The largest feed a pull reads, and so the largest push a hub may send (PARTNER_MAX_BYTES). */
    maxBytes: config.maxBytes,
    skipped: (slug: string) => deps.store.partnerItems.skipped(slug),

    /** Creates or updates a partner from an API body; categories must exist. */
    async save(raw: unknown): Promise<{ partner: Partner; created: boolean }> {
      const input = parseOrThrow(apiPartnerSchema, raw, "partner");
      await checkCategories(deps.store, input.category, input.categoryMap);
      const { created } = await deps.store.partners.upsert(input, "api", now().toISOString());
      deps.onSaved?.();
      if (!input.enabled) await websub.unsubscribeAll(input.slug);
      return { partner: withHealth(await mustGet(input.slug)), created };
    },

    /** Pulls one partner now (manual: also when disabled) and answers with its health after the pull. */
    async pullNow(slug: string): Promise<{ partner: Partner; pull: PullReport }> {
      const partner = await mustGet(slug);
      if (!partner.url) throw new ValidationError(`partner "${slug}" has no feed URL to pull`, { url: "required to pull" });
      const report = await pull(partner);
      return { partner: withHealth(await mustGet(slug)), pull: report };
    },

    /** The enabled partners whose next pull is due now (one job each, with BullMQ). */
    dueSlugs: async (): Promise<string[]> => {
      await renewLeases();
      return (await deps.store.partners.due(now().toISOString())).map((p) => p.slug);
    },

    /** The scheduled task: every enabled partner whose next pull is due, a few at a time. */
    async pollDue(onProgress?: (done: number, total: number) => void, only?: string): Promise<PollSummary> {
      if (!only) await renewLeases();
      const due = (await deps.store.partners.due(now().toISOString())).filter((p) => !only || p.slug === only);
      const summary = await pullMany(due, onProgress);
      if (summary.due) deps.logger.info({ ...summary, failures: summary.failures.length }, "pulled due partners");
      return summary;
    },

    /** Every enabled partner with a URL (or just one), whether due or not: `npm run partners:pull`. */
    async pullAll(onProgress?: (done: number, total: number) => void, only?: string): Promise<PollSummary> {
      const partners = (await deps.store.partners.list()).filter((p) => p.url && (only ? p.slug === only : p.enabled));
      if (only && !partners.length) throw new NotFoundError(`partner "${only}" not found or has no feed URL`);
      return pullMany(partners, onProgress);
    },

    /**
     * Loads PARTNERS_DIR into the partners table; bad files are returned (and logged) by name. A file
     * partner whose definition is gone is disabled and leaves its hubs, as a disabled one does.
     */
    async syncDefinitions(): Promise<{ synced: number; removed: string[]; errors: DefinitionFileError[] }> {
      const { partners, errors, complete } = loadDefinitions(config.partnersDir);
      for (const p of partners) await deps.store.partners.upsert(p, "file", now().toISOString());
      for (const p of partners) if (!p.enabled) await websub.unsubscribeAll(p.slug);
      const removed = complete ? await removeGone(new Set(partners.map((p) => p.slug))) : [];
      if (partners.length || removed.length) deps.onSaved?.();
      deps.logger.info({ synced: partners.length, removed: removed.length, skipped: errors.length, dir: config.partnersDir }, "partner definitions loaded");
      for (const e of errors) deps.logger.warn({ file: e.file, dir: config.partnersDir }, `partner definition skipped: ${e.file}: ${e.error}`);
      if (!complete)
        deps.logger.warn({ dir: config.partnersDir }, "partner definitions: a file was skipped or the folder is missing; no file partner is taken as removed");
      return { synced: partners.length, removed, errors };
    },

    async close(): Promise<void> {
      await Promise.allSettled(inFlight.values());
      await Promise.allSettled(pushes.values());
      await websub.close();
      await parser.close();
      await fetcher.close();
    },
  };

  /** File partners whose definition is no longer in PARTNERS_DIR: disabled (kept, with their history), their hubs left. */
  async function removeGone(kept: Set<string>): Promise<string[]> {
    const gone = (await deps.store.partners.list()).filter((p) => p.origin === "file" && !kept.has(p.slug));
    for (const p of gone) {
      if (p.enabled) await deps.store.partners.upsert({ ...p, enabled: false }, "file", now().toISOString());
      await websub.unsubscribeAll(p.slug);
      if (p.enabled) deps.logger.info({ partner: p.slug }, "partner definition removed: partner disabled and unsubscribed from its hubs");
    }
    return gone.filter((p) => p.enabled).map((p) => p.slug);
  }

  async function pullMany(partners: Partner[], onProgress?: (done: number, total: number) => void): Promise<PollSummary> {
    const limit = pLimit(config.concurrency);
    const summary: PollSummary = { due: partners.length, ok: 0, notModified: 0, failed: 0, new: 0, updated: 0, unchanged: 0, failures: [] };
    let done = 0;
    await Promise.all(
      partners.map((partner) =>
        limit(async () => {
          const report = await pull(partner);
          if (report.status === "error") {
            deps.logger.info({ partner: partner.slug, error: report.errors[0] }, "partner pull failed");
            summary.failures.push({ slug: partner.slug, error: report.errors[0] ?? "unknown error" });
          }
          summary[report.status === "ok" ? "ok" : report.status === "not_modified" ? "notModified" : "failed"] += 1;
          summary.new += report.new;
          summary.updated += report.updated;
          summary.unchanged += report.unchanged;
          onProgress?.(++done, partners.length);
        }),
      ),
    );
    return summary;
  }
}

export type PartnerService = ReturnType<typeof createPartnerService>;

/** The most pulls whose saves share one commit: a group holds the database connection while it is written. */
const SAVE_GROUP_UNITS = 16;

function ingestPort(deps: PartnerServiceDeps): IngestPort {
  const { store, articles } = deps;
  // Pulls that finish together share a commit (group-commit.ts); each pull's batch is still kept or dropped whole.
  const inGroup = groupedTransactions(store, { maxUnits: SAVE_GROUP_UNITS });
  return {
    async saveBatch(work) {
      const changes: ArticleChange[] = [];
      const result = await inGroup((tx) =>
        work({
          findItems: (partner, keys) => tx.partnerItems.findMany(partner, keys),
          articleSources: (slugs) => tx.partnerItems.articleSources(slugs),
          async saveArticles(inputs, source) {
            const saved = await articles.saveMany(inputs, source, tx, { bodySanitized: true });
            changes.push(...saved.changes);
            return saved.outcomes;
          },
          recordItems: (partner, entries, at) => tx.partnerItems.upsertMany(partner, entries, at),
        }),
      );
      // Told once the batch is kept: feed caches and WebSub hear of it once.
      articles.announce(changes);
      return result;
    },
    validators: (slug) => store.partners.validators(slug),
    recordHealth: (slug, health) => store.partners.recordHealth(slug, health),
    replaceSkipped: (slug, skipped, at) => store.partnerItems.replaceSkipped(slug, skipped, at),
  };
}

async function checkCategories(store: Store, category: string | null, map: Record<string, string>): Promise<void> {
  const fields: Record<string, string> = {};
  if (category && !(await store.categories.get(category))) fields.category = `unknown category "${category}"`;
  for (const [theirs, ours] of Object.entries(map)) {
    if (!(await store.categories.get(ours))) fields[`categoryMap.${theirs}`] = `unknown category "${ours}"`;
  }
  if (Object.keys(fields).length) throw new ValidationError("partner: invalid input", fields);
}
