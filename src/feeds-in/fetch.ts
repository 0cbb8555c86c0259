// The fetch step: conditional GET with a timeout that aborts the connection, a byte cap counted
// after decompression, at most 5 redirects, a connect-time address guard, and charset decoding.
import type { Agent } from "undici";
import { fetch } from "undici";
import { createFeedAgent } from "#src/feeds-in/guard.js";
import { decodeFeed } from "#src/feeds-in/charset.js";
import { maxAgeSeconds, retryAfterSeconds } from "#src/feeds-in/cache-headers.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import { fetchFile } from "#src/feeds-in/fetch-file.js";
import { schemeOf } from "#src/feeds-in/definition.js";
import type { FetchLimits, FetchRequest, FetchResult } from "#src/feeds-in/fetch-types.js";

export type Fetcher = ReturnType<typeof createFetcher>;

export function createFetcher(limits: FetchLimits, now: () => Date = () => new Date()) {
  const agents = new Map<boolean, Agent>();
  const agentFor = (allowPrivate: boolean) => {
    let agent = agents.get(allowPrivate);
    if (!agent) agents.set(allowPrivate, (agent = createFeedAgent({ allowPrivateNetwork: allowPrivate, connectTimeoutMs: limits.timeoutMs })));
    return agent;
  };
  return {
    async fetchFeed(request: FetchRequest): Promise<FetchResult> {
      const scheme = schemeOf(request.url);
      if (scheme === "file:") return fetchFile(request, limits);
      if (scheme !== "http:" && scheme !== "https:") throw new PartnerPullError("fetch", `only http(s) and file: feed URLs can be pulled`);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
      try {
        return await fetchFollowing(request, limits, agentFor(request.allowPrivateNetwork), controller.signal, now);
      } catch (error) {
        if (controller.signal.aborted) throw new PartnerPullError("fetch", `timed out after ${limits.timeoutMs / 1000} s`, { cause: error });
        if (error instanceof PartnerPullError) throw error;
        throw new PartnerPullError("fetch", describeNetworkError(error), { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      await Promise.all([...agents.values()].map((a) => a.close()));
    },
  };
}

async function fetchFollowing(request: FetchRequest, limits: FetchLimits, agent: Agent, signal: AbortSignal, now: () => Date): Promise<FetchResult> {
  let url = request.url;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, { dispatcher: agent, redirect: "manual", signal, headers: requestHeaders(request, limits, url) });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
      await response.body?.cancel();
      if (redirects >= limits.maxRedirects) throw new PartnerPullError("fetch", `more than ${limits.maxRedirects} redirects (last to ${location})`);
      url = nextUrl(url, location);
      continue;
    }
    const maxAge = maxAgeSeconds(response.headers.get("cache-control"));
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: "not_modified", maxAgeSeconds: maxAge };
    }
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      const retry = retryAfterSeconds(response.headers.get("retry-after"), now());
      throw new PartnerPullError("fetch", `HTTP ${response.status} ${response.statusText}`.trim(), { retryAfterSeconds: retry });
    }
    const bytes = await readCapped(response.body, limits.maxBytes);
    const contentType = response.headers.get("content-type");
    return {
      status: "ok",
      text: decodeFeed(bytes, contentType),
      contentType,
      finalUrl: url,
      etag: response.headers.get("etag"),
      lastModified: response.headers.get("last-modified"),
      link: response.headers.get("link"),
      maxAgeSeconds: maxAge,
      bytes: bytes.length,
    };
  }
}

function requestHeaders(request: FetchRequest, limits: FetchLimits, url: string): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": limits.userAgent,
    accept:
      "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.9, */*;q=0.5",
    "accept-encoding": "gzip, deflate, br",
  };
  // Validators belong to the feed URL as configured, not to wherever it redirects.
  if (url === request.url && request.etag) headers["if-none-match"] = request.etag;
  if (url === request.url && request.lastModified) headers["if-modified-since"] = request.lastModified;
  return headers;
}

function nextUrl(current: string, location: string): string {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new PartnerPullError("fetch", `redirect to an invalid URL: ${location.slice(0, 200)}`);
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") throw new PartnerPullError("fetch", `redirect to a ${next.protocol} URL refused`);
  return next.href;
}

/** Reads the (already decompressed) body, aborting past `maxBytes`. */
async function readCapped(body: { getReader(): ReadableStreamDefaultReader<Uint8Array> } | null, maxBytes: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PartnerPullError("fetch", `body larger than ${formatBytes(maxBytes)}: stopped reading`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function describeNetworkError(error: unknown): string {
  // undici wraps the socket error in `cause`; that is the readable part.
  let inner = error as { message?: string; code?: string; cause?: unknown };
  while (inner?.cause && typeof inner.cause === "object") inner = inner.cause as typeof inner;
  const code = inner?.code ? `${inner.code}: ` : "";
  return `${code}${inner?.message ?? String(error)}`;
}
