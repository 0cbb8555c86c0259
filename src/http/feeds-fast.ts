// The lean path for /feeds/… and /partner/feeds/…: answers from the feed cache on bare node:http,
// before express. Feed readers poll these URLs far more than anything else, and express's
// per-request work (middleware, its own ETag hashing of the whole body even for a 304) costs
// most of the throughput; docs/benchmarks.md ("feeds") has the figures.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { FastPath } from "#src/http/server.js";
import { parseFeedPath } from "#src/feeds-out/urls.js";
import { encodedBody, type CachedFeed, type Encoding } from "#src/feeds-out/cache.js";
import { cacheKeyOf, type FeedRequest, type FeedService } from "#src/feeds-out/service.js";
import type { PartnerKeys } from "#src/feeds-out/partner-keys.js";
import type { TrafficCounter } from "#src/feeds-out/traffic.js";

export interface FeedFastPathDeps {
  feeds: Pick<FeedService, "peek" | "get">;
  keys: Pick<PartnerKeys, "check">;
  traffic: Pick<TrafficCounter, "feed" | "partnerKey">;
  maxAge: number;
  logger: Logger;
}

const PAGE = /^[1-9]\d{0,5}$/;
const MAX_ROUTES = 10_000;

/** A parsed public feed URL, memoized: readers poll the same few URLs over and over. */
interface Route {
  pathname: string;
  request: FeedRequest;
  cacheKey: string;
}

export interface FeedFastPath extends FastPath {
  /** How many feed URLs are memoized (only URLs of feeds that exist are). */
  remembered(): number;
}

export function feedFastPath(deps: FeedFastPathDeps): FeedFastPath {
  const headers = preparedHeaders(deps.maxAge);
  const routes = new Map<string, Route>();
  const remember = (url: string, route: Route) => {
    if (routes.size >= MAX_ROUTES) routes.clear();
    routes.set(url, route);
  };
  const fastPath: FastPath = (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith("/feeds/") && !url.startsWith("/partner/feeds/")) return false;
    const fail = (error: unknown) => {
      deps.logger.error({ err: error, url: url.split("?")[0] }, "feeds: request failed");
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    };
    try {
      // A cached public feed is answered synchronously: no promise on the hot path.
      serve(req, res, url)?.catch(fail);
    } catch (error) {
      fail(error);
    }
    return true;
  };
  return Object.assign(fastPath, { remembered: () => routes.size });

  function serve(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> | undefined {
    const route = routes.get(url);
    if (route && (req.method === "GET" || req.method === "HEAD")) {
      const cached = deps.feeds.peek(route.request, route.cacheKey);
      if (cached) return send(req, res, route.pathname, cached);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return sendError(res, 405, `${req.method} is not allowed on feeds`);
    }
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? null : new URLSearchParams(url.slice(q + 1));
    const path = parseFeedPath(pathname);
    if (!path) return sendError(res, 404, `no feed at ${pathname}`);
    const pageParam = query?.get("page") ?? null;
    if (pageParam !== null && !PAGE.test(pageParam)) {
      return sendError(res, 400, "feeds: invalid page", { page: "must be a whole number, 1 or more" });
    }
    const request = { ...path, page: pageParam === null ? 1 : Number(pageParam) };
    const memoizable = path.scope === "public" && (q === -1 || (pageParam !== null && query!.size === 1));
    return (async () => {
      if (path.scope === "partner" && !(await authorize(req, res, query))) return;
      const feed = deps.feeds.peek(request) ?? (await deps.feeds.get(request));
      if (!feed) return sendError(res, 404, request.page > 1 ? `${pathname} has no page ${request.page}` : `no feed at ${pathname}`);
      // Remembered once it exists: made-up URLs (any slug is well-formed) must cost no memory.
      if (memoizable) remember(url, { pathname, request, cacheKey: cacheKeyOf(request) });
      await send(req, res, pathname, feed);
    })();
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, query: URLSearchParams | null): Promise<boolean> {
    const key = bearer(req.headers.authorization) ?? query?.get("key") ?? undefined;
    const check = key ? await deps.keys.check(key) : { status: "missing" as const };
    if (check.status === "ok") {
      deps.traffic.partnerKey(check.keyId);
      return true;
    }
    if (check.status === "revoked") {
      sendError(res, 403, "this partner key has been revoked");
      return false;
    }
    res.setHeader("WWW-Authenticate", 'Bearer realm="partner feeds"');
    sendError(res, 401, check.status === "missing" ? "a partner key is required: Authorization: Bearer KEY or ?key=KEY" : "unknown partner key");
    return false;
  }

  function send(req: IncomingMessage, res: ServerResponse, pathname: string, feed: CachedFeed): Promise<void> | undefined {
    const partner = pathname.startsWith("/partner/");
    // The 304 carries the ETag of the representation a 200 would have sent.
    const encoding = chooseEncoding(header(req, "accept-encoding"));
    if (isNotModified(req, feed)) {
      deps.traffic.feed(pathname, true);
      res.writeHead(304, headers(feed, partner, encoding, true));
      res.end();
      return undefined;
    }
    deps.traffic.feed(pathname, false);
    const ready = encoding === "identity" ? feed.body : feed.encoded[encoding];
    const write = (body: Buffer): undefined => {
      res.writeHead(200, headers(feed, partner, encoding, false));
      res.end(req.method === "HEAD" ? undefined : body);
      return undefined;
    };
    if (ready) return write(ready);
    return encodedBody(feed, encoding).then(write);
  }
}

type HeaderList = string[];
type HeaderSets = Record<"ok" | "notModified", Partial<Record<Encoding, HeaderList>>>;

/** Response headers per feed, status and encoding, built once and reused for every request. */
function preparedHeaders(maxAge: number) {
  const built = new WeakMap<CachedFeed, HeaderSets>();
  return (feed: CachedFeed, partner: boolean, encoding: Encoding, notModified: boolean): HeaderList => {
    let sets = built.get(feed);
    if (!sets) built.set(feed, (sets = { ok: {}, notModified: {} }));
    const byStatus = notModified ? sets.notModified : sets.ok;
    return (byStatus[encoding] ??= buildHeaders(feed, partner, encoding, notModified, maxAge));
  };
}

function buildHeaders(feed: CachedFeed, partner: boolean, encoding: Encoding, notModified: boolean, maxAge: number): HeaderList {
  // A 304 carries only what caches need to update (RFC 9110 §15.4.5): less to write per poll.
  const list = [
    "Cache-Control",
    `${partner ? "private" : "public"}, max-age=${maxAge}`,
    "Vary",
    partner ? "Accept-Encoding, Authorization" : "Accept-Encoding",
    "ETag",
    etagFor(feed.etag, encoding),
  ];
  if (notModified) return list;
  const length = encoding === "identity" ? feed.body.length : feed.encoded[encoding]!.length;
  list.push(
    "Last-Modified",
    feed.lastModified,
    "Link",
    feed.link,
    "Content-Type",
    feed.contentType,
    "Content-Length",
    String(length),
    "X-Content-Type-Options",
    "nosniff",
  );
  if (encoding !== "identity") list.push("Content-Encoding", encoding);
  // Public feeds are public: let browser-based readers fetch them.
  if (!partner) list.push("Access-Control-Allow-Origin", "*");
  return list;
}

/** One request header by lower-case name, read from rawHeaders: cheaper than building req.headers. */
function header(req: IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** One strong ETag per representation: the identity body's, with -gz / -br for the encoded ones. */
function etagFor(etag: string, encoding: Encoding): string {
  return encoding === "identity" ? etag : `${etag.slice(0, -1)}-${encoding === "gzip" ? "gz" : "br"}"`;
}

/** RFC 9110 §13.1: evaluated whatever Cache-Control the request carries (fetch() sends no-cache with every conditional request). */
export function isNotModified(req: IncomingMessage, feed: Pick<CachedFeed, "etag" | "lastModifiedSeconds">): boolean {
  const inm = header(req, "if-none-match");
  if (inm === feed.etag) return true;
  if (inm !== undefined) {
    // Any representation's tag revalidates: they all carry the same content.
    const base = feed.etag.slice(1, -1);
    return inm.split(",").some((tag) => {
      const t = tag.trim().replace(/^W\//, "");
      return t === "*" || t === `"${base}"` || t === `"${base}-gz"` || t === `"${base}-br"`;
    });
  }
  const ims = header(req, "if-modified-since");
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && feed.lastModifiedSeconds <= Math.floor(since / 1000);
}

function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return "identity";
  let gzip = false;
  let br = false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const refused = params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
    if (name === "br") br = !refused;
    else if (name === "gzip") gzip = !refused;
  }
  return br ? "br" : gzip ? "gzip" : "identity";
}

function sendError(res: ServerResponse, status: number, error: string, fields?: Record<string, string>): undefined {
  const body = JSON.stringify(fields ? { error, fields } : { error });
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(body);
  return undefined;
}
