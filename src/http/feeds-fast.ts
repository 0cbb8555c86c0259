// The lean path for /feeds/… and /partner/feeds/…: answers from the feed cache on bare node:http,
// before express. Feed readers poll these URLs far more than anything else, and express's
// per-request work (middleware, its own ETag hashing of the whole body even for a 304) costs
// most of the throughput; see README "Benchmarks → feeds".
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { FastPath } from "#src/http/server.js";
import { parseFeedPath, type FeedRequestPath } from "#src/feeds-out/urls.js";
import { encodedBody, type CachedFeed, type Encoding } from "#src/feeds-out/cache.js";
import type { FeedService } from "#src/feeds-out/service.js";
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

export function feedFastPath(deps: FeedFastPathDeps): FastPath {
  const publicCache = `public, max-age=${deps.maxAge}`;
  const partnerCache = `private, max-age=${deps.maxAge}`;
  return (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith("/feeds/") && !url.startsWith("/partner/feeds/")) return false;
    serve(req, res, url).catch((error: unknown) => {
      deps.logger.error({ err: error, url: url.split("?")[0] }, "feeds: request failed");
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    });
    return true;
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
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
    if (path.scope === "partner" && !(await authorize(req, res, query))) return;
    const request = { ...path, page: pageParam === null ? 1 : Number(pageParam) };
    const feed = deps.feeds.peek(request) ?? (await deps.feeds.get(request));
    if (!feed) return sendError(res, 404, request.page > 1 ? `${pathname} has no page ${request.page}` : `no feed at ${pathname}`);
    await send(req, res, path, pathname, feed);
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

  async function send(req: IncomingMessage, res: ServerResponse, path: FeedRequestPath, pathname: string, feed: CachedFeed): Promise<void> {
    const notModified = isNotModified(req, feed);
    deps.traffic.feed(pathname, notModified);
    const encoding = notModified ? "identity" : chooseEncoding(req.headers["accept-encoding"]);
    res.setHeader("Cache-Control", path.scope === "partner" ? partnerCache : publicCache);
    res.setHeader("Vary", path.scope === "partner" ? "Accept-Encoding, Authorization" : "Accept-Encoding");
    res.setHeader("ETag", etagFor(feed.etag, encoding));
    res.setHeader("Last-Modified", feed.lastModified);
    res.setHeader("Link", feed.link);
    if (notModified) {
      res.writeHead(304).end();
      return;
    }
    const body = await encodedBody(feed, encoding);
    res.setHeader("Content-Type", feed.contentType);
    res.setHeader("Content-Length", body.length);
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (encoding !== "identity") res.setHeader("Content-Encoding", encoding);
    res.writeHead(200);
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** One strong ETag per representation: the identity body's, with -gz / -br for the encoded ones. */
function etagFor(etag: string, encoding: Encoding): string {
  return encoding === "identity" ? etag : `${etag.slice(0, -1)}-${encoding === "gzip" ? "gz" : "br"}"`;
}

function isNotModified(req: IncomingMessage, feed: CachedFeed): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    // Any representation's tag revalidates: they all carry the same content.
    const base = feed.etag.slice(1, -1);
    return inm.split(",").some((tag) => {
      const t = tag.trim().replace(/^W\//, "");
      return t === "*" || t === `"${base}"` || t === `"${base}-gz"` || t === `"${base}-br"`;
    });
  }
  const ims = req.headers["if-modified-since"];
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

function sendError(res: ServerResponse, status: number, error: string, fields?: Record<string, string>): void {
  const body = JSON.stringify(fields ? { error, fields } : { error });
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(body);
}
