// A partner service on a test store: small limits, a fresh partners folder, a silent logger.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { createArticleService, type ArticleBatchListener } from "#src/articles/service.js";
import { createPartnerService, type PartnerConfig, type PartnerService } from "#src/feeds-in/service.js";
import type { Store } from "#src/store/index.js";

/** `config` sets what a test is about; `now` moves its clock; `onChanges` hears of the articles written. */
export function testPartnerService(
  store: Store,
  options: { config?: Partial<PartnerConfig>; now?: () => Date; onChanges?: ArticleBatchListener } = {},
): PartnerService {
  const articles = createArticleService({
    articles: store.articles,
    categories: store.categories,
    ...(options.onChanges ? { onChanges: options.onChanges } : {}),
  });
  const config: PartnerConfig = {
    partnersDir: options.config?.partnersDir ?? mkdtempSync(path.join(tmpdir(), "dispatch-partners-")),
    timeoutMs: 5000,
    maxBytes: 1024 * 1024,
    concurrency: 2,
    parseWorkers: 1,
    parseTimeoutMs: 10_000,
    parseMemoryMb: 128,
    maxBackoffMinutes: 240,
    unhealthyAfterMinutes: 60,
    userAgent: "test",
    ...options.config,
  };
  return createPartnerService({ store, articles, logger: pino({ level: "silent" }), ...(options.now ? { now: options.now } : {}) }, config);
}
