// Composition root: config → store → services → http + schedules. The only place that wires.
import path from "node:path";
import type { Logger } from "pino";
import { hasRole, type Config } from "#src/config.js";
import { closeInOrder, closeOnce, runIfEntryPoint, type RunningService } from "#src/process.js";
import { readOrCreateSecret } from "#src/secrets.js";
import { seconds } from "#src/units.js";
import { publicOrigin } from "#src/origin.js";
import { createHealthCheck } from "#src/health.js";
import { openStore, type Store } from "#src/store/index.js";
import { createArticleService } from "#src/articles/service.js";
import { createCategoryService } from "#src/articles/categories.js";
import { createArticlePages } from "#src/articles/page.js";
import { createRelatedStories } from "#src/articles/related.js";
import { createMailer } from "#src/mail/transport.js";
import { mailerOptions } from "#src/mail/config.js";
import { createEmailTemplates } from "#src/mail/render.js";
import { createTokens } from "#src/subscribers/tokens.js";
import { createSubscriberService } from "#src/subscribers/service.js";
import { createClickTokens } from "#src/clicks/token.js";
import { createClickFilter } from "#src/clicks/filter.js";
import { createClickService } from "#src/clicks/service.js";
import { createPageRenderer } from "#src/http/pages.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { createDigestService, type DigestService } from "#src/digest/run.js";
import { digestSettings } from "#src/digest/config.js";
import { digestLinks } from "#src/digest/links.js";
import { createBounceService } from "#src/digest/bounces.js";
import { createWebhookService } from "#src/webhooks/service.js";
import { createRenderPool } from "#src/digest/render-pool.js";
import { seedDemo } from "#src/demo/seed.js";
import { createApp } from "#src/http/app.js";
import type { AppDeps } from "#src/http/deps.js";
import { createLateListener, listen, withFastPaths } from "#src/http/server.js";
import { connectLimitStores } from "#src/http/limit-redis.js";
import { createJobQueue } from "#src/jobs/queue.js";
import { deliveryKick } from "#src/jobs/tasks.js";
import { startRoles } from "#src/jobs/start.js";
import { createPartnerService } from "#src/feeds-in/service.js";
import { partnerConfig } from "#src/feeds-in/config.js";
import { createFeedCache } from "#src/feeds-out/cache.js";
import { createFeedService } from "#src/feeds-out/service.js";
import { createFeedPublisher, hubPinger, WEBSUB_SETTLE_MS } from "#src/feeds-out/websub-publisher.js";
import { feedChangesListener } from "#src/feeds-out/invalidate.js";
import { createPartnerKeys } from "#src/feeds-out/partner-keys.js";
import { createTrafficCounter, startTrafficFlusher } from "#src/feeds-out/traffic.js";
import { applyInvalidation, invalidateEverywhere } from "#src/feeds-out/broadcast.js";
import { connectBus } from "#src/feeds-out/bus.js";
import { feedFastPath } from "#src/http/feeds-fast.js";
import { countFeedCache, createMetrics } from "#src/metrics.js";
import { countFastPath } from "#src/http/metrics.js";
import { registeredRoutes, type RouteRef } from "#src/http/openapi/routes.js";
import { createAdminSessionHub, startAdminSessions } from "#src/admin/session-hub.js";
import { adminKeyOf } from "#src/admin/key.js";
import { dashboardPort } from "#src/admin/port.js";

export interface Dispatch extends RunningService {
  config: Config;
  /** Where the HTTP server listens, when this process serves HTTP. */
  url: string | undefined;
  store: Store;
  /** The routes the express app answers (none when this process serves no HTTP): what /api/openapi.json must cover. */
  routes: RouteRef[];
}

/** The parts every step shares: database, job queue, the Redis bus between processes, metrics. */
async function wireStore(config: Config, logger: Logger) {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteCacheMb: config.sqliteCacheMb });
  logger.debug({ database: store.db.location }, "store ready");
  // BullMQ on Redis when REDIS_URL is set (several processes), else the same jobs in this process.
  const queue = createJobQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, lockDurationMs: seconds(config.jobLockSeconds) });
  // Several processes: saved changes, revoked keys and ended admin sessions reach the others through Redis.
  const bus = config.redisUrl ? connectBus(config.redisUrl, logger) : undefined;
  return { store, queue, bus, metrics: createMetrics(store.operators) };
}

function wireMail(config: Config) {
  // Created once, shared by every email (confirmation, digest).
  const mailer = createMailer(mailerOptions(config));
  // Threads start with the first digest rendered, so a process that sends none runs none (0 threads: none ever).
  const renderPool = config.digest.renderThreads ? createRenderPool({ threads: config.digest.renderThreads }) : undefined;
  const secret = config.tokenSecret ?? readOrCreateSecret(config.dataDir, "token-secret").value;
  // Click links have their own key, derived from the same secret.
  const [tokens, clickTokens] = [createTokens(secret), createClickTokens(secret)];
  return { mailer, emailTemplates: createEmailTemplates(TEMPLATES_DIR), renderPool, tokens, clickTokens };
}

type Shared = Awaited<ReturnType<typeof wireStore>>;

function wireFeedsOut(config: Config, { store, queue, bus, metrics }: Shared, baseUrl: string, logger: Logger) {
  const site = { baseUrl, publisherName: config.publisherName, language: config.language, hubUrl: config.websubHubUrl ?? null };
  const cache = countFeedCache(createFeedCache({ maxEntries: config.feedCacheEntries, ttlMs: seconds(config.feedCacheTtlSeconds) }), metrics.feedCache);
  const feeds = createFeedService({ source: store, cache, site, pageSize: config.feedPageSize });
  const hubUrl = config.websubHubUrl;
  const websub = hubUrl ? createFeedPublisher({ hubUrl, retries: config.websubRetries, retryBaseMs: config.websubRetryBaseMs, queue, logger }) : undefined;
  const partnerKeys = createPartnerKeys({ partners: store.partners, keys: store.partnerKeys }, { onRevoke: () => bus?.publish({ partnerKeys: true }) });
  const adminSessions = createAdminSessionHub({ sessions: store.adminSessions, bus });
  bus?.onMessage((message) => applyInvalidation({ feeds, partnerKeys, adminSessions }, message));
  const feedsChanged = invalidateEverywhere(feeds, bus);
  const onChanges = feedChangesListener({ invalidate: feedsChanged.invalidate, publish: websub?.publish, site, logger });
  const articles = createArticleService({ articles: store.articles, categories: store.categories, onChanges });
  const categories = createCategoryService({ categories: store.categories, feedsChanged: feedsChanged.invalidateAll });
  return { feeds, feedsChanged, websub, partnerKeys, adminSessions, articles, categories, traffic: createTrafficCounter() };
}

type FeedsOut = ReturnType<typeof wireFeedsOut>;

function wirePartners(config: Config, { store, metrics }: Shared, { articles, partnerKeys }: FeedsOut, baseUrl: string, logger: Logger) {
  // Saving a partner (disabling it, say) drops its keys' cached checks everywhere.
  const deps = { store, articles, logger, onPull: metrics.partnerPull, onSaved: () => partnerKeys.partnerChanged() };
  return { partners: createPartnerService(deps, partnerConfig(config, baseUrl)) };
}

/** Article pages with their related stories; a saved article drops the loaded stories at once (other processes: within a minute). */
function wireArticlePages({ store }: Shared, { articles }: FeedsOut, baseUrl: string) {
  const sources = { candidates: (since: string) => store.digests.candidates(since), categoryNames: () => store.categories.names() };
  const related = createRelatedStories({ sources, baseUrl });
  articles.onChanges(() => related.invalidate());
  return { related, articlePages: createArticlePages({ articles, categories: store.categories, partners: store.partners, related }) };
}

function wireSubscribers(config: Config, { store }: Shared, { mailer, emailTemplates, tokens }: ReturnType<typeof wireMail>, baseUrl: string, logger: Logger) {
  const publisher = { name: config.publisherName, address: config.publisherAddress };
  const { subscribers, categories } = store;
  return createSubscriberService({ subscribers, categories, tokens, mailer, emailTemplates, baseUrl: () => baseUrl, publisher, logger });
}

/** The digest engine; built with the public origin for the links it mails. */
function wireDigest(
  config: Config,
  { store, queue }: Shared,
  { mailer, emailTemplates, renderPool, tokens, clickTokens }: ReturnType<typeof wireMail>,
  logger: Logger,
) {
  return (baseUrl: string) =>
    createDigestService({
      store: store.digests,
      categoryNames: () => store.categories.names(),
      mailer,
      template: () => emailTemplates.get("digest"),
      ...(renderPool ? { renderer: renderPool } : {}),
      links: digestLinks(baseUrl, tokens, config.clickTracking ? clickTokens : undefined),
      ...deliveryKick(queue, logger),
      settings: digestSettings(config, baseUrl),
      logger,
    });
}

/** Everything but the listening socket and the schedules: what scripts/ use too. */
export async function createServices(config: Config, logger: Logger, baseUrl: string = publicOrigin(config)) {
  const shared = await wireStore(config, logger);
  const { store, queue, bus, metrics } = shared;
  const mail = wireMail(config);
  const { mailer, emailTemplates, tokens } = mail;
  const out = wireFeedsOut(config, shared, baseUrl, logger);
  const { partners } = wirePartners(config, shared, out, baseUrl, logger);
  const { related, articlePages } = wireArticlePages(shared, out, baseUrl);
  const subscribers = wireSubscribers(config, shared, mail, baseUrl, logger);
  return {
    ...out,
    ...{ store, queue, baseUrl, mailer, emailTemplates, tokens, subscribers, partners, articlePages, related, metrics },
    health: createHealthCheck({ db: store.db, queue }),
    createDigest: wireDigest(config, shared, mail, logger),
    // Links already mailed keep leading to their story when tracking is off; they are just not counted.
    clicks: createClickService({ store: store.clicks, tokens: mail.clickTokens, filter: createClickFilter(), baseUrl, counting: config.clickTracking }),
    bounces: createBounceService({
      store: store.digests,
      reports: store.reports,
      unsubscribe: (email) => subscribers.unsubscribeAddress(email),
      bounceLimit: config.digest.bounceLimit,
    }),
    seedDemo: (baseUrl: string, onProgress?: (done: number, total: number) => void) => seedDemo({ store, articles: out.articles, baseUrl, onProgress }),
    close: async () => {
      await subscribers.drain();
      await closeInOrder(queue, partners, mailer, mail.renderPool);
      // Pings for the last writes (a seed from the command line, the last jobs) go out before the end.
      await out.websub?.settle(WEBSUB_SETTLE_MS);
      await closeInOrder(out.websub, bus, store);
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/** The express app behind the feed fast path; rate limits count across web processes sharing a Redis. */
async function wireHttp(config: Config, s: Services, digest: DigestService, adminKey: string, feedTraffic: AppDeps["feedTraffic"], logger: Logger) {
  const limits = config.redisUrl ? connectLimitStores(config.redisUrl, config.queuePrefix, logger) : undefined;
  const site = { publisherName: config.publisherName, language: config.language };
  const { articles, categories, articlePages, related, health, bounces, tokens, subscribers, partners, partnerKeys, clicks } = s;
  const webhooks = createWebhookService({ bounces, tokens: s.store.reports, config: config.webhooks });
  const app = createApp({
    ...{
      articles,
      categories,
      articlePages,
      related,
      health,
      digest,
      bounces,
      webhooks,
      tokens,
      subscribers,
      partners,
      partnerKeys,
      clicks,
      feedTraffic,
      logger,
    },
    config: { ...site, baseUrl: s.baseUrl, adminApiKey: adminKey, metricsToken: config.metricsToken, feedMaxAge: config.feedMaxAge },
    pages: createPageRenderer(path.join(TEMPLATES_DIR, "pages"), site),
    subscribeLimit: { ...config.subscribeLimit, store: limits?.stores },
    adminSession: await startAdminSessions(s.adminSessions, adminKey, config.adminSessionHours),
    dashboard: dashboardPort({ store: s.store, partners: s.partners, partnerKeys: s.partnerKeys, digest, feedTraffic }),
    metrics: { http: s.metrics.http, endpoint: s.metrics },
  });
  // Feeds are answered before express (cached bytes, conditional GET): see http/feeds-fast.ts.
  const fastPath = countFastPath(feedFastPath({ feeds: s.feeds, keys: s.partnerKeys, traffic: s.traffic, maxAge: config.feedMaxAge, logger }), s.metrics.http);
  return { listener: withFastPaths([fastPath], app), routes: registeredRoutes(app), close: async () => limits?.close() };
}

/** The demo newsroom on an empty database (SEED_DEMO=auto), then the partner definitions: after the seed, so the demo partner's categories exist. */
async function seedContent(config: Config, services: Services, logger: Logger): Promise<void> {
  if (config.seedDemo && (await services.store.isEmpty())) logger.info(await services.seedDemo(services.baseUrl), "seeded the demo newsroom");
  await services.partners.syncDefinitions();
}

export async function startDispatch(config: Config, logger: Logger): Promise<Dispatch> {
  const adminKey = adminKeyOf(config, logger);
  // Listen first, so the public origin (PORT=0 picks the port) is known before anything builds links with it.
  const late = createLateListener();
  const server = hasRole(config, "web") ? await listen(late.listener, { port: config.port, host: config.host }) : undefined;
  const services = await createServices(config, logger, publicOrigin(config, server?.port)).catch(async (error: unknown) => {
    await server?.close(config.shutdownTimeoutMs);
    throw error;
  });
  const digest = services.createDigest(services.baseUrl);
  const flusher = startTrafficFlusher(services.traffic, services.store, seconds(config.feedStatsFlushSeconds), logger);
  const http = server ? await wireHttp(config, services, digest, adminKey.value, flusher, logger) : undefined;
  if (http) late.serve(http.listener);
  await seedContent(config, services, logger);
  const schedules = startRoles(config, { queue: services.queue, digest, partners: services.partners, websubPing: hubPinger(config.websubHubUrl), logger });
  const close = closeOnce(async () => {
    await server?.close(config.shutdownTimeoutMs);
    await schedules?.stop();
    await digest.stop();
    await flusher.stop();
    await http?.close();
    await services.close();
  });
  const url = server ? `http://localhost:${server.port}` : undefined;
  return {
    config,
    baseUrl: services.baseUrl,
    url,
    adminApiKey: adminKey.value,
    adminKeyGenerated: adminKey.created,
    store: services.store,
    routes: http?.routes ?? [],
    close,
  };
}

runIfEntryPoint(import.meta.url, startDispatch);
