// Composition root: config → store → services → http + schedules. The only place that wires.
import type { RequestListener } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { hasRole, loadConfig, type Config } from "#src/config.js";
import { ConfigError } from "#src/errors.js";
import { createLogger } from "#src/logger.js";
import { readOrCreateSecret } from "#src/secrets.js";
import { openStore, type Store } from "#src/store/index.js";
import { createArticleService } from "#src/articles/service.js";
import { createMailer } from "#src/mail/transport.js";
import { createEmailTemplates } from "#src/mail/render.js";
import { createTokens } from "#src/subscribers/tokens.js";
import { createSubscriberService } from "#src/subscribers/service.js";
import { createPageRenderer } from "#src/http/pages.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { createDigestService } from "#src/digest/run.js";
import { digestLinks, mailHostOf } from "#src/digest/links.js";
import { createBounceService } from "#src/digest/bounces.js";
import { createRenderPool } from "#src/digest/render-pool.js";
import { seedDemo } from "#src/demo/seed.js";
import { createApp } from "#src/http/app.js";
import { listen, type RunningServer } from "#src/http/server.js";
import type { HealthReport } from "#src/http/deps.js";
import { startSchedules, type Schedules } from "#src/jobs/schedule.js";
import { createJobQueue, type JobQueue } from "#src/jobs/queue.js";
import { Redis } from "ioredis";
import { redisLimitStores } from "#src/http/ratelimit.js";
import { jobHandlers, kickDeliveries, scheduledTicks } from "#src/jobs/tasks.js";
import { createPartnerService, type PartnerConfig } from "#src/feeds-in/service.js";
import { createFeedCache } from "#src/feeds-out/cache.js";
import { createFeedService } from "#src/feeds-out/service.js";
import { createWebSubPublisher, pingHub } from "#src/feeds-out/websub.js";
import { feedChangeListener } from "#src/feeds-out/invalidate.js";
import { createPartnerKeys } from "#src/feeds-out/partner-keys.js";
import { createTrafficCounter, startTrafficFlusher } from "#src/feeds-out/traffic.js";
import { feedFastPath } from "#src/http/feeds-fast.js";
import { applyInvalidation, connectInvalidationBus, invalidateEverywhere } from "#src/feeds-out/broadcast.js";
import { countFeedCache, createMetrics } from "#src/metrics.js";
import { countFastPath } from "#src/http/metrics.js";
import { createSessionCodec } from "#src/admin/session.js";
import type { EndedSession } from "#src/store/admin-sessions.js";
import { dashboardPort } from "#src/admin/port.js";

export interface Dispatch {
  config: Config;
  /** Public origin (BASE_URL, or the local URL once the port is known). */
  baseUrl: string;
  /** Where the HTTP server listens, when this process serves HTTP. */
  url: string | undefined;
  adminApiKey: string;
  store: Store;
  close(): Promise<void>;
}

/** Everything but the listening socket and the schedules: what scripts/ use too. */
export async function createServices(config: Config, logger: Logger) {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  logger.debug({ database: store.db.location }, "store ready");
  const metrics = createMetrics(store.operators);
  const articles = createArticleService({ articles: store.articles, categories: store.categories });
  // Created once, shared by every email (confirmation, digest).
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: config.mailFrom,
    maxConnections: config.smtpPoolSize,
    rateLimit: config.smtpRateLimit,
    dkim: config.dkim,
  });
  const emailTemplates = createEmailTemplates(TEMPLATES_DIR);
  // Threads start with the first digest rendered, so a process that sends none runs none.
  const renderPool = config.digest.renderThreads > 0 ? createRenderPool({ threads: config.digest.renderThreads }) : undefined;
  // BullMQ on Redis when REDIS_URL is set (several processes), else the same jobs in this process.
  const queue = createJobQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, lockDurationMs: config.jobLockSeconds * 1000 });
  const tokens = createTokens(config.tokenSecret ?? readOrCreateSecret(config.dataDir, "token-secret").value);
  // The public origin is known only after listening when PORT=0: startDispatch fills it in.
  const site = {
    baseUrl: config.baseUrl ?? `http://localhost:${config.port}`,
    publisherName: config.publisherName,
    language: config.language,
    hubUrl: config.websubHubUrl ?? null,
  };
  const subscribers = createSubscriberService({
    subscribers: store.subscribers,
    categories: store.categories,
    tokens,
    mailer,
    emailTemplates,
    baseUrl: () => site.baseUrl,
    publisher: { name: config.publisherName, address: config.publisherAddress },
    logger,
  });
  // Saving a partner (disabling it, say) drops its keys' cached checks everywhere (partnerKeys is below).
  const partners = createPartnerService({ store, articles, logger, onPull: metrics.partnerPull, onSaved: () => partnerKeys.partnerChanged() }, partnerConfig(config));

  // Feeds out.
  const cache = countFeedCache(createFeedCache({ maxEntries: config.feedCacheEntries, ttlMs: config.feedCacheTtlSeconds * 1000 }), metrics.feedCache);
  const feeds = createFeedService({ source: store, cache, site, pageSize: config.feedPageSize });
  const websub = config.websubHubUrl ? websubPublisher(config, config.websubHubUrl, queue, logger) : undefined;
  // Several processes: changes saved in one reach every feed cache, revoked keys every key cache and
  // ended admin sessions every web process, through Redis (the bus is read only when one happens).
  const partnerKeys = createPartnerKeys({ partners: store.partners, keys: store.partnerKeys }, { onRevoke: () => bus?.publish({ partnerKeys: true }) });
  const sessionListeners = new Set<(session: EndedSession) => void>();
  /** Admin sessions ended by a sign-out: recorded, told to the other processes, heard from them. */
  const adminSessions = {
    end: async (session: EndedSession) => {
      await store.adminSessions.end(session, new Date());
      bus?.publish({ adminSessionEnded: session });
    },
    ended: (session: EndedSession) => sessionListeners.forEach((listener) => listener(session)),
    onEnded: (listener: (session: EndedSession) => void) => void sessionListeners.add(listener),
  };
  const bus = config.redisUrl ? connectInvalidationBus(config.redisUrl, (m) => applyInvalidation({ feeds, partnerKeys, adminSessions }, m), logger) : undefined;
  const feedsChanged = invalidateEverywhere(feeds, bus);
  articles.onChange(feedChangeListener({ invalidate: feedsChanged.invalidate, publish: websub?.publish, site, logger }));
  const traffic = createTrafficCounter();

  const health = async (): Promise<HealthReport> => {
    const database = await store.db.ping().then(
      () => ({ ok: true, detail: store.db.dialect }),
      (error: Error) => ({ ok: false, detail: error.message }),
    );
    const jobs = await queue.ping().then(
      () => ({ ok: true, detail: queue.kind }),
      (error: Error) => ({ ok: false, detail: `${queue.kind}: ${error.message}` }),
    );
    return { ok: database.ok && jobs.ok, checks: { database, queue: jobs } };
  };

  return {
    store,
    articles,
    mailer,
    emailTemplates,
    tokens,
    subscribers,
    site,
    partners,
    health,
    metrics,
    /** The digest engine; needs the public origin for the links it mails. */
    createDigest: (baseUrl: string) =>
      createDigestService({
        store: store.digests,
        categoryNames: async () => new Map((await store.categories.list()).map((c) => [c.slug, c.name])),
        mailer,
        template: () => emailTemplates.get("digest"),
        ...(renderPool ? { renderer: renderPool } : {}),
        links: digestLinks(baseUrl, tokens),
        // With BullMQ, due deliveries become jobs that any worker process takes.
        ...(queue.kind === "bullmq" ? { kick: (editionId?: number) => kickDeliveries(queue, logger, editionId) } : {}),
        settings: {
          ...config.digest,
          baseUrl,
          mailHost: mailHostOf(config.mailFrom, baseUrl),
          publisherName: config.publisherName,
          publisherAddress: config.publisherAddress,
          concurrency: config.smtpPoolSize,
          batchSize: Math.max(50, config.smtpPoolSize * 20),
        },
        logger,
      }),
    feeds,
    feedsChanged,
    partnerKeys,
    adminSessions,
    traffic,
    queue,
    bounces: createBounceService({ store: store.digests, bounceLimit: config.digest.bounceLimit }),
    seedDemo: (baseUrl: string, onProgress?: (done: number, total: number) => void) =>
      seedDemo({ store, articles, baseUrl, ...(onProgress ? { onProgress } : {}) }),
    close: async () => {
      await subscribers.drain();
      await queue.close();
      await partners.close();
      await mailer.close();
      await renderPool?.close();
      // Pings for the last writes (a seed from the command line, the last jobs) go out before the end.
      await websub?.settle(WEBSUB_SETTLE_MS);
      websub?.close();
      await bus?.close();
      await store.close();
    },
  };
}

function partnerConfig(config: Config): PartnerConfig {
  return {
    partnersDir: config.partnersDir,
    timeoutMs: config.partnerTimeoutMs,
    maxBytes: config.partnerMaxBytes,
    concurrency: config.partnerConcurrency,
    parseWorkers: config.partnerParseWorkers,
    parseTimeoutMs: 15_000,
    parseMemoryMb: 256,
    maxBackoffMinutes: config.partnerMaxBackoffMinutes,
    unhealthyAfterMinutes: config.partnerUnhealthyAfterMinutes,
    userAgent: config.partnerUserAgent ?? `Dispatch/0.1 (partner feed fetcher; +${config.baseUrl ?? "http://localhost"})`,
  };
}

/** How long closing waits for WebSub pings still on their way (a hub that is down gives up sooner or later). */
const WEBSUB_SETTLE_MS = 5000;

function websubPublisher(config: Config, hubUrl: string, queue: JobQueue, logger: Logger) {
  if (queue.kind === "in-process") {
    return createWebSubPublisher({ hubUrl, retries: config.websubRetries, retryBaseMs: config.websubRetryBaseMs, timeoutMs: 10_000, logger });
  }
  // Several processes: a ping is a job, retried with backoff by whichever worker takes it.
  return {
    publish: (urls: string[]) => {
      for (const url of urls) {
        queue.add("websub-ping", { url }, { attempts: config.websubRetries + 1, backoffMs: config.websubRetryBaseMs }).catch((error: Error) => {
          logger.warn({ url, err: error.message }, "websub: could not queue a publish ping");
        });
      }
    },
    settle: async () => {},
    close: () => {},
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

export async function startDispatch(config: Config, logger: Logger): Promise<Dispatch> {
  const adminKey = config.adminApiKey
    ? { value: config.adminApiKey, created: false }
    : readOrCreateSecret(config.dataDir, "admin-api-key");
  if (adminKey.created) logger.info({ file: path.join(config.dataDir, "admin-api-key") }, "generated an admin API key");
  const services = await createServices(config, logger);
  const { store, articles, partners, health, subscribers, feeds, feedsChanged, partnerKeys, traffic, metrics } = services;
  const flusher = startTrafficFlusher(traffic, store, config.feedStatsFlushSeconds * 1000, logger);
  const feedTraffic = { flush: flusher.flush, list: store.feedStats.list };

  // Listen first when PORT=0, so the public origin is known before anything builds links with it.
  let server: RunningServer | undefined;
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  if (hasRole(config, "web")) {
    // Feeds are answered before express (cached bytes, conditional GET): see http/feeds-fast.ts.
    const fastPaths = [countFastPath(feedFastPath({ feeds, keys: partnerKeys, traffic, maxAge: config.feedMaxAge, logger }), metrics.http)];
    server = await listen((req, res) => handler(req, res), { port: config.port, host: config.host, fastPaths });
  }
  const baseUrl = config.baseUrl ?? `http://localhost:${server?.port ?? config.port}`;
  services.site.baseUrl = baseUrl;

  const digest = services.createDigest(baseUrl);
  // Rate limits count across web processes when they share a Redis.
  const limitRedis = server && config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  limitRedis?.on("error", (error: Error) => logger.warn({ err: error.message }, "rate limits: redis"));
  if (server) {
    const adminSession = createSessionCodec(adminKey.value, config.adminSessionHours * 3_600_000, services.adminSessions.end);
    services.adminSessions.onEnded((session) => adminSession.ended(session));
    for (const session of await store.adminSessions.ended(new Date())) adminSession.ended(session);
    const httpConfig = { baseUrl, adminApiKey: adminKey.value, publisherName: config.publisherName, language: config.language, metricsToken: config.metricsToken };
    const pages = createPageRenderer(path.join(TEMPLATES_DIR, "pages"), { publisherName: config.publisherName, language: config.language });
    handler = createApp({
      config: httpConfig, logger, store, articles, health, digest,
      bounces: services.bounces, tokens: services.tokens, subscribers, pages, partners,
      subscribeLimit: { ...config.subscribeLimit, store: limitRedis ? redisLimitStores(limitRedis, config.queuePrefix) : undefined },
      partnerKeys, feedTraffic, feedsChanged: feedsChanged.invalidateAll,
      adminSession,
      dashboard: dashboardPort({ store, partners, partnerKeys, digest, feedTraffic }),
      metrics: { http: metrics.http, endpoint: metrics },
    });
  }

  if (config.seedDemo && (await store.isEmpty())) {
    const seeded = await services.seedDemo(baseUrl);
    logger.info(seeded, "seeded the demo newsroom");
  }

  // After the seed, so the demo partner's categories exist.
  await partners.syncDefinitions();

  const { queue } = services;
  if (hasRole(config, "worker")) {
    queue.work(
      jobHandlers({
        queue,
        digest,
        partners: {
          dueSlugs: async () => (await store.partners.due(new Date().toISOString())).map((p) => p.slug),
          pullIfDue: (slug) => partners.pollDue(undefined, slug),
        },
        websubPing: (url) => pingHub(config.websubHubUrl!, url, 10_000),
        logger,
      }),
      { tick: 1, deliver: 1, "partner-pull": config.partnerConcurrency, "websub-ping": 4 },
    );
    // In one process, the digest worker polls the database for due deliveries itself.
    if (queue.kind === "in-process") digest.start();
  }

  let schedules: Schedules | undefined;
  if (hasRole(config, "scheduler")) {
    const crons = { digest: config.digest.cron, partners: config.partnersCron, ...(queue.kind === "bullmq" ? { deliveries: config.deliveriesCron } : {}) };
    schedules = startSchedules(scheduledTicks(queue, crons), logger);
    // The demo shows partner items right away instead of after the first tick.
    if (config.seedDemo) void schedules.runNow("partners");
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await server?.close(config.shutdownTimeoutMs);
      await schedules?.stop();
      await digest.stop();
      await flusher.stop();
      await limitRedis?.quit().catch(() => limitRedis.disconnect());
      await services.close();
    })());

  return {
    config,
    baseUrl,
    url: server ? `http://localhost:${server.port}` : undefined,
    adminApiKey: adminKey.value,
    store,
    close,
  };
}

/** The environment's config, or one clear line on stderr and exit code 2 (the start and every script). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dispatch: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function runFromCommandLine(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const dispatch = await startDispatch(config, logger);
  logger.info({ url: dispatch.baseUrl, roles: config.roles }, "dispatch is running");
  if (!config.adminApiKey) {
    process.stdout.write(`\nDispatch is running at ${dispatch.baseUrl}\nAdmin API key: ${dispatch.adminApiKey}\n\n`);
  }
  const stop = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 2000);
    timer.unref();
    dispatch.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runFromCommandLine().catch((error: unknown) => {
    process.stderr.write(`dispatch: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
