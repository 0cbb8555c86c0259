// The partner service's settings, from the app's config plus the limits that are not configurable.
import type { Config } from "#src/config.js";
import type { PartnerConfig } from "#src/feeds-in/service.js";

/** How long one feed may take to parse in its worker thread. */
const PARSE_TIMEOUT_MS = 15_000;
/** A parse worker's heap: a feed that needs more is refused rather than taking the process down. */
const PARSE_MEMORY_MB = 256;

/** `publicBase`: our public origin; relative links in a feed delivered as a file resolve against it. */
export function partnerConfig(config: Config, publicBase: string): PartnerConfig {
  return {
    partnersDir: config.partnersDir,
    timeoutMs: config.partnerTimeoutMs,
    maxBytes: config.partnerMaxBytes,
    concurrency: config.partnerConcurrency,
    parseWorkers: config.partnerParseWorkers,
    parseTimeoutMs: PARSE_TIMEOUT_MS,
    parseMemoryMb: PARSE_MEMORY_MB,
    maxBackoffMinutes: config.partnerMaxBackoffMinutes,
    unhealthyAfterMinutes: config.partnerUnhealthyAfterMinutes,
    userAgent: config.partnerUserAgent ?? `Dispatch/0.1 (partner feed fetcher; +${config.baseUrl ?? "http://localhost"})`,
    publicBase: () => publicBase,
    websubLeaseSeconds: config.websubLeaseSeconds,
    pushedPollMinutes: config.partnerPushedPollMinutes,
  };
}
