// What the HTTP layer is given by the composition root.
import type { Logger } from "pino";
import type { ArticleService } from "#src/articles/service.js";
import type { Store } from "#src/store/index.js";
import type { PartnerService } from "#src/feeds-in/service.js";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpConfig {
  baseUrl: string;
  adminApiKey: string;
  publisherName: string;
  language: string;
}

export interface AppDeps {
  config: HttpConfig;
  logger: Logger;
  store: Store;
  articles: ArticleService;
  partners: PartnerService;
  health: () => Promise<HealthReport>;
}
