// Answers built per request but cheap to revalidate: a strong ETag (hash of the body) and a 304
// with no body to a matching If-None-Match.
import { createHash } from "node:crypto";
import type { Request, Response } from "express";

/** Short, so a change shows within a minute; the ETag makes each revalidation a cheap 304. */
const SHORT_CACHE = "public, max-age=60";

export function sendConditional(req: Request, res: Response, body: string, type: string, cacheControl = SHORT_CACHE): void {
  const etag = `"${createHash("sha256").update(body).digest("base64url")}"`;
  res.setHeader("ETag", etag);
  res.setHeader("Cache-Control", cacheControl);
  if (noneMatch(req.headers["if-none-match"], etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type(type).send(body);
}

/**
 * RFC 9110 §13.1.2 (weak comparison). Unlike express's req.fresh, a request's `Cache-Control:
 * no-cache` does not void it: browsers add that to every conditional fetch() a script makes.
 */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
