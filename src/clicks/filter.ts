// Which requests count as a click: not link scanners, prefetchers or the same reader twice. Kept in
// memory only, as hashes that expire with the window: nothing about a client outlives ten minutes.
import { createHash } from "node:crypto";

export interface ClickRequest {
  method: string;
  ip: string;
  userAgent: string | undefined;
  /** Purpose / Sec-Purpose / X-Moz / X-Purpose headers: "prefetch", "preview". */
  purpose: string | undefined;
}

export interface ClickFilterOptions {
  windowMs: number;
  /** Clicks counted per client within the window: a reader follows a few stories, a crawler all. */
  perClient: number;
  /** Distinct (link, client) pairs remembered at once; beyond it nothing more is counted until some expire. */
  maxEntries: number;
}

const CLICK_FILTER: ClickFilterOptions = { windowMs: 10 * 60_000, perClient: 20, maxEntries: 100_000 };

/** Mail security scanners, link previewers, crawlers and HTTP libraries: they follow every link in a message. */
const AUTOMATED =
  /bot\b|bot\/|crawl|spider|slurp|scan|preview|proofpoint|mimecast|barracuda|safelinks|urldefense|ironport|forcepoint|messagelabs|symantec|trend ?micro|sophos|fortinet|checkpoint|zscaler|microsoft office|ms-office|skypeuripreview|facebookexternalhit|whatsapp|headless|phantomjs|python|curl\/|wget|go-http-client|java\/|okhttp|axios|node-fetch|undici|libwww|httpclient|^mozilla\/4\.0 \(compatible;?\)$/i;

export function isAutomated(request: Pick<ClickRequest, "userAgent" | "purpose">): boolean {
  const ua = request.userAgent?.trim();
  if (!ua) return true;
  if (request.purpose && /prefetch|prerender|preview/i.test(request.purpose)) return true;
  return AUTOMATED.test(ua);
}

export interface ClickFilter {
  /** True once per link and client within the window, for a person's GET; false for anything else. */
  counts(token: string, request: ClickRequest): boolean;
}

export function createClickFilter(options: ClickFilterOptions = CLICK_FILTER, now: () => number = Date.now): ClickFilter {
  // Insertion order is expiry order (one window for all), so pruning stops at the first live entry.
  const seen = new Map<string, number>();
  const perClient = new Map<string, { until: number; count: number }>();
  const prune = (at: number) => {
    for (const [key, until] of seen) {
      if (until > at) break;
      seen.delete(key);
    }
    for (const [key, c] of perClient) {
      if (c.until > at) break;
      perClient.delete(key);
    }
  };
  return {
    counts(token, request) {
      if (request.method !== "GET" || isAutomated(request)) return false;
      const at = now();
      prune(at);
      const client = hash(`${request.ip}\n${request.userAgent}`);
      const key = hash(`${token}\n${client}`);
      if (seen.has(key) || seen.size >= options.maxEntries) return false;
      seen.set(key, at + options.windowMs);
      const c = perClient.get(client) ?? { until: at + options.windowMs, count: 0 };
      perClient.set(client, c);
      return ++c.count <= options.perClient;
    },
  };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}
