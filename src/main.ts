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
import { seedDemo } from "#src/demo/seed.js";
import { createApp } from "#src/http/app.js";
import { listen, type RunningServer } from "#src/http/server.js";
import type { HealthReport } from "#src/http/deps.js";
import { startSchedules, type ScheduledTask, type Schedules } from "#src/jobs/schedule.js";
import { createPartnerService, type PartnerConfig } from "#src/feeds-in/service.js";
import { createFeedCache } from "#src/feeds-out/cache.js";
import { createFeedService } from "#src/feeds-out/service.js";
import { createWebSubPublisher } from "#src/feeds-out/websub.js";
import { feedChangeListener } from "#src/feeds-out/invalidate.js";
import { createPartnerKeys } from "#src/feeds-out/partner-keys.js";
import { createTrafficCounter, startTrafficFlusher } from "#src/feeds-out/traffic.js";
import { feedFastPath } from "#src/http/feeds-fast.js";
import { applyInvalidation, connectInvalidationBus, invalidateEverywhere } from "#src/feeds-out/broadcast.js";
import { countFeedCache, createMetrics } from "#src/metrics.js";
import { countFastPath } from "#src/http/metrics.js";
import { createSessionCodec } from "#src/admin/session.js";
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
  const partners = createPartnerService({ store, articles, logger, onPull: metrics.partnerPull }, partnerConfig(config));

  // Feeds out.
  const cache = countFeedCache(createFeedCache({ maxEntries: config.feedCacheEntries, ttlMs: config.feedCacheTtlSeconds * 1000 }), metrics.feedCache);
  const feeds = createFeedService({ source: store, cache, site, pageSize: config.feedPageSize });
  const websub = config.websubHubUrl
    ? createWebSubPublisher({ hubUrl: config.websubHubUrl, retries: config.websubRetries, retryBaseMs: config.websubRetryBaseMs, timeoutMs: 10_000, logger })
    : undefined;
  // Several processes: changes saved in one reach every feed cache through Redis.
  const bus = config.redisUrl ? connectInvalidationBus(config.redisUrl, (m) => applyInvalidation(feeds, m), logger) : undefined;
  const feedsChanged = invalidateEverywhere(feeds, bus);
  articles.onChange(feedChangeListener({ invalidate: feedsChanged.invalidate, publish: websub?.publish, site, logger }));
  const partnerKeys = createPartnerKeys({ partners: store.partners, keys: store.partnerKeys });
  const traffic = createTrafficCounter();

  const health = async (): Promise<HealthReport> => {
    const database = await store.db.ping().then(
      () => ({ ok: true, detail: store.db.dialect }),
      (error: Error) => ({ ok: false, detail: error.message }),
    );
    return { ok: database.ok, checks: { database } };
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
        links: digestLinks(baseUrl, tokens),
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
    traffic,
    bounces: createBounceService({ store: store.digests, bounceLimit: config.digest.bounceLimit }),
    seedDemo: (baseUrl: string, onProgress?: (done: number, total: number) => void) =>
      seedDemo({ store, articles, baseUrl, ...(onProgress ? { onProgress } : {}) }),
    close: async () => {
      await subscribers.drain();
      await partners.close();
      await mailer.close();
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
  if (server) {
    const httpConfig = { baseUrl, adminApiKey: adminKey.value, publisherName: config.publisherName, language: config.language, metricsToken: config.metricsToken };
    const pages = createPageRenderer(path.join(TEMPLATES_DIR, "pages"), { publisherName: config.publisherName, language: config.language });
    handler = createApp({
      config: httpConfig, logger, store, articles, health, digest,
      bounces: services.bounces, tokens: services.tokens, subscribers, pages, subscribeLimit: config.subscribeLimit, partners,
      partnerKeys, feedTraffic, feedsChanged: feedsChanged.invalidateAll,
      adminSession: createSessionCodec(adminKey.value, config.adminSessionHours * 3_600_000),
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

  if (hasRole(config, "worker")) digest.start();

  // Each feature adds its ticks here; the scheduler role runs them.
  const tasks: ScheduledTask[] = [
    { name: "digest", cron: config.digest.cron, run: () => digest.scheduleDue() },
    // Every minute: pull the partners that are due (each has its own interval and backoff).
    { name: "partners-pull", cron: "* * * * *", run: () => partners.pollDue() },
  ];
  let schedules: Schedules | undefined;
  if (hasRole(config, "scheduler") && tasks.length) schedules = startSchedules(tasks, logger);
  // The demo shows partner items right away instead of after the first tick.
  if (schedules && config.seedDemo) void schedules.runNow("partners-pull");

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await server?.close(config.shutdownTimeoutMs);
      await schedules?.stop();
      await digest.stop();
      await flusher.stop();
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

async function runFromCommandLine(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dispatch: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
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
