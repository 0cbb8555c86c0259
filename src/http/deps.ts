// What the HTTP layer is given by the composition root.
import type { Logger } from "pino";
import type { HealthReport } from "#src/health.js";
import type { ArticleService } from "#src/articles/service.js";
import type { CategoryService } from "#src/articles/categories.js";
import type { ArticlePages } from "#src/articles/page.js";
import type { RelatedStoriesService } from "#src/articles/related.js";
import type { DigestService } from "#src/digest/run.js";
import type { BounceService } from "#src/digest/bounces.js";
import type { WebhookService } from "#src/webhooks/service.js";
import type { Tokens } from "#src/subscribers/tokens.js";
import type { ClickService } from "#src/clicks/service.js";
import type { SubscriberService } from "#src/subscribers/service.js";
import type { PageRenderer } from "#src/http/pages.js";
import type { SubscribeLimitOptions } from "#src/http/ratelimit.js";
import type { AdminThrottleOptions } from "#src/http/admin-throttle.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import type { PartnerKeys } from "#src/feeds-out/partner-keys.js";
import type { FeedTraffic } from "#src/store/feed-stats.js";
import type { SessionCodec } from "#src/admin/session.js";
import type { DashboardPort } from "#src/admin/dashboard.js";
import type { HttpMetrics } from "#src/metrics.js";
import type { MetricsEndpoint } from "#src/http/metrics.js";

export type { HealthReport };

export interface HttpConfig {
  baseUrl: string;
  adminApiKey: string;
  publisherName: string;
  language: string;
  /** Seconds readers and caches may keep a feed (and the OPML list of feeds) without asking again. */
  feedMaxAge: number;
  /** Bearer token for GET /metrics; unset = admin key or a direct connection from this machine. */
  metricsToken?: string | undefined;
}

export interface AppDeps {
  config: HttpConfig;
  logger: Logger;
  articles: ArticleService;
  categories: CategoryService;
  /** An article with its category and partner, for the article page. */
  articlePages: ArticlePages;
  /** Related stories of an article: GET /api/related/{slug} and the embed. */
  related: RelatedStoriesService;
  partners: PartnerService;
  health: () => Promise<HealthReport>;
  digest: DigestService;
  bounces: BounceService;
  /** Mail providers' signed bounce and complaint webhooks. */
  webhooks: WebhookService;
  tokens: Tokens;
  /** GET /r/{token}: digest story links. */
  clicks: ClickService;
  subscribers: SubscriberService;
  pages: PageRenderer;
  subscribeLimit: SubscribeLimitOptions;
  /** Failed admin-key attempts per client IP; absent = ADMIN_THROTTLE, counted where the subscribe limits count. */
  adminThrottle?: AdminThrottleOptions;
  partnerKeys: PartnerKeys;
  /** Feed traffic counts: flush() writes what is counted in memory, list() reads them back. */
  feedTraffic: { flush(): Promise<void>; list(since: string): Promise<FeedTraffic[]> };
  /** Signs and checks the operators' session cookie. */
  adminSession: SessionCodec;
  /** What the operators' dashboard reads. */
  dashboard: DashboardPort;
  /** Request counting and the /metrics text; absent = no /metrics route. */
  metrics?: { http: HttpMetrics; endpoint: MetricsEndpoint };
}
