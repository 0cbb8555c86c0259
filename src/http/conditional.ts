// Answers built per request but cheap to revalidate: a strong ETag (hash of the body) and a 304
// with no body to a matching If-None-Match.
import { createHash } from "node:crypto";
import type { Request, Response } from "express";

/** Short, so a change shows within a minute; the ETag makes each revalidation a cheap 304. */
export const SHORT_CACHE = "public, max-age=60";

export function sendConditional(req: Request, res: Response, body: string, type: string, cacheControl = SHORT_CACHE): void {
  res.setHeader("ETag", `"${createHash("sha256").update(body).digest("base64url")}"`);
  res.setHeader("Cache-Control", cacheControl);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.status(200).type(type).send(body);
}
