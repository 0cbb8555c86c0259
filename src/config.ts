// The only reader of process.env: builds one typed, validated Config.
import { createPublicKey } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { ConfigError } from "#src/errors.js";
import { DEFAULT_SQLITE_CACHE_MB } from "#src/store/db.js";

const ROLES = ["all", "web", "worker", "scheduler"] as const;
export type Role = (typeof ROLES)[number];

/** A node-cron expression, or "off" for a schedule that never ticks (its task still runs on demand). */
const cronOrOff = z
  .string()
  .refine((v) => v === "off" || v.trim().split(/\s+/).length >= 5, { message: 'must be a cron expression such as "*/15 * * * *", or "off"' });

const urlWithProtocols = (protocols: string[]) =>
  z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value, protocols);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * The sender when MAIL_FROM is unset: the publisher's name, at BASE_URL's host ("Dispatch News"
 * <digest@news.example.com>); localhost when BASE_URL is unset or names an IP address, which is no mail domain.
 */
function defaultMailFrom(publisherName: string, baseUrl: string | undefined): string {
  const host = baseUrl ? new URL(baseUrl).hostname : "";
  const domain = host && !isIP(host.replace(/^\[|\]$/g, "")) ? host : "localhost";
  return `"${publisherName.replace(/["\\]/g, "\\$&")}" <digest@${domain}>`;
}

/** What is wrong with a URL, in words that never repeat it: it may hold a password. */
function urlProblem(value: string, protocols: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a valid URL (check the host and port, and that special characters in the user name and password are percent-encoded)";
  }
  if (!protocols.includes(url.protocol)) return `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`;
  if (!url.hostname) return "is a URL without a host";
  return undefined;
}

const commaList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

function isPublicKey(value: string): boolean {
  try {
    return createPublicKey({ key: Buffer.from(value, "base64"), format: "der", type: "spki" }).asymmetricKeyType === "ec";
  } catch {
    return false;
  }
}

/** "sns.eu-west-1.amazonaws.com", or "http://127.0.0.1:8081": a plain-http origin, for tests only. */
function isCertHost(value: string): boolean {
  if (/^[a-z0-9.-]+$/i.test(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === "http:" && url.origin === value.replace(/\/+$/, "");
  } catch {
    return false;
  }
}

const intInRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: "must be a whole number" })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

const schema = z.object({
  PORT: intInRange(0, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  BASE_URL: urlWithProtocols(["http:", "https:"]).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: urlWithProtocols(["postgres:", "postgresql:"]).optional(),
  SQLITE_CACHE_MB: intInRange(1, 65536).default(DEFAULT_SQLITE_CACHE_MB),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"]).optional(),
  SMTP_URL: urlWithProtocols(["smtp:", "smtps:"]).optional(),
  // Unset: "<PUBLISHER_NAME>" <digest@<BASE_URL host>>, built in loadConfig (defaultMailFrom).
  MAIL_FROM: z.string().min(3).optional(),
  SMTP_POOL_SIZE: intInRange(1, 100).default(5),
  SMTP_RATE_LIMIT: intInRange(0, 100000).default(0),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  DIGEST_TOP_STORIES: intInRange(1, 50).default(5),
  DIGEST_RELATED_STORIES: intInRange(0, 10).default(3),
  RANK_CLICK_WEIGHT: intInRange(0, 1000).default(3),
  CLICK_TRACKING: z.enum(["on", "off"]).default("on"),
  DIGEST_CRON: cronOrOff.default("*/15 * * * *"),
  DIGEST_MAX_ATTEMPTS: intInRange(1, 50).default(6),
  DIGEST_RETRY_BASE_MS: intInRange(10, 3_600_000).default(30_000),
  DIGEST_LEASE_SECONDS: intInRange(1, 3600).default(120),
  DIGEST_RENDER_THREADS: intInRange(0, 16).default(1),
  BOUNCE_LIMIT: intInRange(1, 100).default(3),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().min(8, { message: "must be at least 8 characters" }).optional(),
  POSTMARK_WEBHOOK_USER: z.string().min(1).optional(),
  POSTMARK_WEBHOOK_PASSWORD: z.string().min(12, { message: "must be at least 12 characters" }).optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z
    .string()
    .refine(isPublicKey, { message: "must be the base64 public key SendGrid shows (DER, SubjectPublicKeyInfo)" })
    .optional(),
  SNS_TOPIC_ARNS: z
    .string()
    .transform(commaList)
    .refine((arns) => arns.every((arn) => /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(arn)), {
      message: "must be a comma-separated list of SNS topic ARNs (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
    })
    .optional(),
  SNS_CERT_HOSTS: z
    .string()
    .transform(commaList)
    .refine((hosts) => hosts.every(isCertHost), { message: "must be a comma-separated list of host names, or http://host:port origins (tests only)" })
    .optional(),
  WEBHOOK_TOLERANCE_SECONDS: intInRange(10, 86400).default(900),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, { message: "must be letters, digits, _ . -" })
    .default("dispatch"),
  JOB_LOCK_SECONDS: intInRange(1, 3600).default(30),
  PARTNERS_CRON: cronOrOff.default("* * * * *"),
  DELIVERIES_CRON: cronOrOff.default("*/15 * * * * *"),
  ADMIN_API_KEY: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  ADMIN_SESSION_HOURS: intInRange(1, 24 * 30).default(12),
  METRICS_TOKEN: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  PARTNERS_DIR: z.string().min(1).default("./feeds"),
  WEBSUB_HUB_URL: urlWithProtocols(["http:", "https:"]).optional(),
  DISPATCH_ROLE: z
    .string()
    .default("all")
    .transform((value) => value.split(",").map((r) => r.trim()))
    .refine((roles) => roles.every((r) => (ROLES as readonly string[]).includes(r)), {
      message: `must be a comma-separated mix of ${ROLES.join(", ")}`,
    }),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SEED_DEMO: z.enum(["auto", "never"]).default("auto"),
  PUBLISHER_NAME: z.string().min(1).default("Dispatch News"),
  PUBLISHER_ADDRESS: z.string().min(1).default("1 Press Street, Springfield, USA"),
  SITE_LANGUAGE: z.string().min(2).default("en"),
  FEED_PAGE_SIZE: intInRange(1, 500).default(50),
  FEED_MAX_AGE: intInRange(0, 86400).default(300),
  SHUTDOWN_TIMEOUT_MS: intInRange(100, 60000).default(10000),
  TOKEN_SECRET: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  SUBSCRIBE_LIMIT_PER_IP: intInRange(1, 100000).default(20),
  SUBSCRIBE_LIMIT_PER_ADDRESS: intInRange(1, 1000).default(3),
  SUBSCRIBE_LIMIT_WINDOW_MINUTES: intInRange(1, 10080).default(60),
  PARTNER_TIMEOUT_MS: intInRange(1000, 300000).default(20000),
  PARTNER_MAX_BYTES: intInRange(1024, 200 * 1024 * 1024).default(15 * 1024 * 1024),
  PARTNER_CONCURRENCY: intInRange(1, 64).default(8),
  PARTNER_PARSE_WORKERS: intInRange(1, 16).default(2),
  PARTNER_MAX_BACKOFF_MINUTES: intInRange(1, 7 * 24 * 60).default(24 * 60),
  PARTNER_UNHEALTHY_AFTER_MINUTES: intInRange(1, 30 * 24 * 60).default(24 * 60),
  PARTNER_USER_AGENT: z.string().min(3).max(300).optional(),
  FEED_CACHE_ENTRIES: intInRange(0, 1_000_000).default(2000),
  FEED_CACHE_TTL_SECONDS: intInRange(1, 86400).default(60),
  FEED_STATS_FLUSH_SECONDS: intInRange(1, 3600).default(5),
  WEBSUB_RETRIES: intInRange(0, 20).default(5),
  WEBSUB_RETRY_BASE_MS: intInRange(10, 600_000).default(2000),
  WEBSUB_LEASE_SECONDS: intInRange(1, 365 * 24 * 3600).default(864000),
  PARTNER_PUSHED_POLL_MINUTES: intInRange(1, 7 * 24 * 60).default(360),
});

export interface Config {
  port: number;
  host: string;
  /** Public origin without a trailing slash. Undefined until the port is known when PORT=0. */
  baseUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** SQLite's page cache, MB. */
  sqliteCacheMb: number;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  smtpPoolSize: number;
  /** BullMQ key prefix in Redis. */
  queuePrefix: string;
  /** How long a worker may stay silent before its job is given to another worker. */
  jobLockSeconds: number;
  partnersCron: string;
  /** With Redis: how often due deliveries (retries, ones a dead worker left) are looked for. */
  deliveriesCron: string;
  /** Messages per second across the pool; 0 = unlimited. */
  smtpRateLimit: number;
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  digest: {
    topStories: number;
    relatedStories: number;
    /** Weight of one digest click in the ranking (a view weighs 1, a comment 10, a share 20). */
    clickWeight: number;
    cron: string;
    maxAttempts: number;
    retryBaseMs: number;
    leaseSeconds: number;
    bounceLimit: number;
    /** Worker threads rendering digests; 0 = render on the main thread. */
    renderThreads: number;
  };
  adminApiKey: string | undefined;
  /** How long an operators' dashboard sign-in lasts. */
  adminSessionHours: number;
  /** Bearer token for GET /metrics; undefined = admin key, or a direct connection from this machine. */
  metricsToken: string | undefined;
  partnersDir: string;
  websubHubUrl: string | undefined;
  roles: Role[];
  logLevel: string;
  seedDemo: boolean;
  publisherName: string;
  publisherAddress: string;
  language: string;
  feedPageSize: number;
  feedMaxAge: number;
  shutdownTimeoutMs: number;
  /** Digest story links go through /r/{token}, which counts one click per story and day. */
  clickTracking: boolean;
  /** HMAC secret of subscriber link tokens; undefined = generated into DATA_DIR/token-secret. */
  tokenSecret: string | undefined;
  /** POST /subscribe attempts allowed per window, per client IP and per email address. */
  subscribeLimit: { perIp: number; perAddress: number; windowMinutes: number };
  partnerTimeoutMs: number;
  partnerMaxBytes: number;
  partnerConcurrency: number;
  partnerParseWorkers: number;
  partnerMaxBackoffMinutes: number;
  partnerUnhealthyAfterMinutes: number;
  /** Undefined: "Dispatch/<version> (+BASE_URL)" built at start. */
  partnerUserAgent: string | undefined;
  /** Rendered feeds kept in memory (feed key × format × page × public/partner); 0 = no cache. */
  feedCacheEntries: number;
  /** Longest a rendered feed is served before it is rendered again, invalidated or not. */
  feedCacheTtlSeconds: number;
  feedStatsFlushSeconds: number;
  websubRetries: number;
  websubRetryBaseMs: number;
  /** The lease we ask partners' hubs for (WebSub subscriber side). */
  websubLeaseSeconds: number;
  /** How often a partner that pushes to us over WebSub is still pulled, as a safety net. */
  partnerPushedPollMinutes: number;
  /** Bounce and complaint webhooks; a provider whose secret is unset is off (404 at its path). */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  mailgunSigningKey: string | undefined;
  postmark: { user: string; password: string } | undefined;
  /** Base64 DER (SubjectPublicKeyInfo) ECDSA P-256 key. */
  sendgridPublicKey: string | undefined;
  /** SNS topics accepted; undefined = Amazon SES webhooks off (any AWS account can sign an SNS message). */
  snsTopicArns: string[] | undefined;
  /** Hosts SNS signing certificates and subscription URLs may come from (https); undefined = sns.<region>.amazonaws.com. */
  snsCertHosts: string[] | undefined;
  /** How old (or how far ahead) a signed timestamp may be. */
  toleranceSeconds: number;
}

/** Every variable Dispatch reads. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

/** Each variable's rule and default (docs/configuration.md is checked against it). */
export const CONFIG_SCHEMA = schema;

/** Reads the environment; throws ConfigError naming the first bad variable and its problem, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    CONFIG_VARIABLES.flatMap((key) => {
      const value = env[key];
      return value === undefined || value === "" ? [] : [[key, value]];
    }),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    // The value stays out of the message: it may be a key or a URL with a password, and the message goes to logs.
    throw new ConfigError(`config: ${name}: ${issue.message}`);
  }
  const e = parsed.data;
  requireRedisForSplitRoles(e.DISPATCH_ROLE, e.REDIS_URL);
  const port = e.PORT;
  return {
    port,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? (port === 0 ? undefined : `http://localhost:${port}`))?.replace(/\/+$/, ""),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    sqliteCacheMb: e.SQLITE_CACHE_MB,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? defaultMailFrom(e.PUBLISHER_NAME, e.BASE_URL),
    smtpPoolSize: e.SMTP_POOL_SIZE,
    queuePrefix: e.QUEUE_PREFIX,
    jobLockSeconds: e.JOB_LOCK_SECONDS,
    partnersCron: e.PARTNERS_CRON,
    deliveriesCron: e.DELIVERIES_CRON,
    smtpRateLimit: e.SMTP_RATE_LIMIT,
    dkim: dkimOf(e),
    digest: {
      topStories: e.DIGEST_TOP_STORIES,
      relatedStories: e.DIGEST_RELATED_STORIES,
      clickWeight: e.RANK_CLICK_WEIGHT,
      cron: e.DIGEST_CRON,
      maxAttempts: e.DIGEST_MAX_ATTEMPTS,
      retryBaseMs: e.DIGEST_RETRY_BASE_MS,
      leaseSeconds: e.DIGEST_LEASE_SECONDS,
      bounceLimit: e.BOUNCE_LIMIT,
      renderThreads: e.DIGEST_RENDER_THREADS,
    },
    adminApiKey: e.ADMIN_API_KEY,
    adminSessionHours: e.ADMIN_SESSION_HOURS,
    metricsToken: e.METRICS_TOKEN,
    partnersDir: e.PARTNERS_DIR,
    websubHubUrl: e.WEBSUB_HUB_URL,
    roles: e.DISPATCH_ROLE as Role[],
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO === "auto",
    publisherName: e.PUBLISHER_NAME,
    publisherAddress: e.PUBLISHER_ADDRESS,
    language: e.SITE_LANGUAGE,
    feedPageSize: e.FEED_PAGE_SIZE,
    feedMaxAge: e.FEED_MAX_AGE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    clickTracking: e.CLICK_TRACKING === "on",
    tokenSecret: e.TOKEN_SECRET,
    subscribeLimit: {
      perIp: e.SUBSCRIBE_LIMIT_PER_IP,
      perAddress: e.SUBSCRIBE_LIMIT_PER_ADDRESS,
      windowMinutes: e.SUBSCRIBE_LIMIT_WINDOW_MINUTES,
    },
    partnerTimeoutMs: e.PARTNER_TIMEOUT_MS,
    partnerMaxBytes: e.PARTNER_MAX_BYTES,
    partnerConcurrency: e.PARTNER_CONCURRENCY,
    partnerParseWorkers: e.PARTNER_PARSE_WORKERS,
    partnerMaxBackoffMinutes: e.PARTNER_MAX_BACKOFF_MINUTES,
    partnerUnhealthyAfterMinutes: e.PARTNER_UNHEALTHY_AFTER_MINUTES,
    partnerUserAgent: e.PARTNER_USER_AGENT,
    feedCacheEntries: e.FEED_CACHE_ENTRIES,
    feedCacheTtlSeconds: e.FEED_CACHE_TTL_SECONDS,
    feedStatsFlushSeconds: e.FEED_STATS_FLUSH_SECONDS,
    websubRetries: e.WEBSUB_RETRIES,
    websubRetryBaseMs: e.WEBSUB_RETRY_BASE_MS,
    websubLeaseSeconds: e.WEBSUB_LEASE_SECONDS,
    partnerPushedPollMinutes: e.PARTNER_PUSHED_POLL_MINUTES,
    webhooks: webhooksOf(e),
  };
}

function webhooksOf(e: z.infer<typeof schema>): WebhookConfig {
  const { POSTMARK_WEBHOOK_USER: user, POSTMARK_WEBHOOK_PASSWORD: password } = e;
  if (Boolean(user) !== Boolean(password))
    throw new ConfigError("config: POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD go together: set both or neither");
  return {
    mailgunSigningKey: e.MAILGUN_WEBHOOK_SIGNING_KEY,
    postmark: user && password ? { user, password } : undefined,
    sendgridPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
    snsTopicArns: e.SNS_TOPIC_ARNS,
    snsCertHosts: e.SNS_CERT_HOSTS,
    toleranceSeconds: e.WEBHOOK_TOLERANCE_SECONDS,
  };
}

function dkimOf(e: { DKIM_DOMAIN?: string | undefined; DKIM_SELECTOR?: string | undefined; DKIM_PRIVATE_KEY?: string | undefined }) {
  const given = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3) throw new ConfigError("config: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none");
  // A PEM key in one environment line arrives with literal \n.
  return { domainName: e.DKIM_DOMAIN!, keySelector: e.DKIM_SELECTOR!, privateKey: e.DKIM_PRIVATE_KEY!.replace(/\\n/g, "\n") };
}

/** A process with only some roles relies on others that it can reach only through Redis. */
function requireRedisForSplitRoles(roles: string[], redisUrl: string | undefined): void {
  const all = roles.includes("all") || ROLES.every((r) => r === "all" || roles.includes(r));
  if (!all && !redisUrl) {
    throw new ConfigError(
      `config: DISPATCH_ROLE: ${roles.join(",")} needs REDIS_URL: the other roles run in other processes and share work only through Redis (or leave DISPATCH_ROLE unset for all roles in one process)`,
    );
  }
}

export function hasRole(config: Pick<Config, "roles">, role: Exclude<Role, "all">): boolean {
  return config.roles.includes("all") || config.roles.includes(role);
}
