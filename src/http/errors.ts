// The one place that maps error classes to HTTP statuses and JSON bodies (or, for a browser, a not-found page).
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import type { PageRenderer } from "#src/http/pages.js";
import {
  ConflictError,
  DispatchError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from "#src/errors.js";
import { sizeName } from "#src/http/bodies.js";

const STATUS: Array<[new (...args: any[]) => DispatchError, number]> = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [TooManyRequestsError, 429],
  [UnavailableError, 503],
];

export function statusOf(error: unknown): number {
  for (const [type, status] of STATUS) if (error instanceof type) return status;
  // body-parser's own errors carry a status (400 bad JSON, 413 too large).
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}

function errorBody(error: unknown, status: number): { error: string; fields?: Record<string, string> } {
  if (error instanceof ValidationError) return { error: error.message, fields: error.fields };
  if (status === 500) return { error: "internal error" };
  if (error instanceof DispatchError) return { error: error.message };
  const type = (error as { type?: string })?.type;
  if (type === "entity.parse.failed") return { error: "request body is not valid JSON" };
  if (type === "entity.too.large") return { error: `request body is too large${limitOf(error)}` };
  return { error: (error as Error)?.message ?? "error" };
}

function limitOf(error: unknown): string {
  const limit = (error as { limit?: unknown })?.limit;
  return typeof limit === "number" ? ` (at most ${sizeName(limit)})` : "";
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};

/** A browser asking for a page: it prefers HTML to JSON, and the path is not the API's. */
export function wantsHtml(req: Request): boolean {
  if (req.path === "/api" || req.path.startsWith("/api/")) return false;
  return req.accepts(["application/json", "text/html"]) === "text/html";
}

/** JSON errors for API clients; a browser asking for a page that is not there gets an HTML page. */
export function errorHandler(pages: PageRenderer): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = statusOf(error);
    if (status >= 500) req.log?.error({ err: error }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof UnauthorizedError) res.setHeader("WWW-Authenticate", 'Bearer realm="dispatch"');
    if (status === 404) {
      res.vary("Accept");
      if (wantsHtml(req)) {
        res
          .status(404)
          .type("html")
          .send(pages.render("not-found", { title: "Page not found", path: req.path }));
        return;
      }
    }
    res.status(status).json(errorBody(error, status));
  };
}
