// HTTP metrics: requests and durations labelled by route pattern (never the raw URL, whose
// variety would grow the series without bound), and the /metrics endpoint's access rule.
import type { Request, RequestHandler } from "express";
import type { FastPath } from "#src/http/server.js";
import type { HttpMetrics } from "#src/metrics.js";
import { bearerToken, sameSecret } from "#src/http/auth.js";
import { UnauthorizedError } from "#src/errors.js";

export interface MetricsEndpoint {
  contentType: string;
  text(): Promise<string>;
}

/** Observes every express request when it finishes, under the route that matched it. */
export function countRequests(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      metrics.observe(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/** The lean feed path answers before express: counted (not timed) here under two fixed route names. */
export function countFastPath(fast: FastPath, metrics: HttpMetrics): FastPath {
  return (req, res) => {
    if (!fast(req, res)) return false;
    const route = req.url?.startsWith("/partner/") ? "/partner/feeds/*" : "/feeds/*";
    const observe = () => metrics.count(req.method ?? "GET", route, res.statusCode);
    // A cached feed is answered synchronously: count it now, without a listener per request.
    if (res.writableEnded) observe();
    else res.once("finish", observe);
    return true;
  };
}

/**
 * Who may read /metrics. With METRICS_TOKEN set: a bearer token equal to it (or the admin key).
 * Unset: the admin key, or a direct connection from this machine (a scraper on localhost); a
 * request relayed by a local proxy carries X-Forwarded-For and is not taken as local.
 */
export function metricsAccess(options: { token?: string | undefined; adminKey: string }): (req: Request) => boolean {
  return (req) => {
    const token = bearerToken(req);
    if (token !== undefined && (sameSecret(token, options.adminKey) || (options.token !== undefined && sameSecret(token, options.token)))) return true;
    if (options.token !== undefined) return false;
    return isLoopback(req.socket.remoteAddress) && !req.headers["x-forwarded-for"] && !req.headers.forwarded;
  };
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127."));
}

export function metricsHandler(endpoint: MetricsEndpoint, allowed: (req: Request) => boolean): RequestHandler {
  return async (req, res) => {
    if (!allowed(req)) throw new UnauthorizedError("metrics: send Authorization: Bearer <METRICS_TOKEN> (or the admin key)");
    res
      .set("Content-Type", endpoint.contentType)
      .set("Cache-Control", "no-store")
      .send(await endpoint.text());
  };
}
