// Bearer-key checks, in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { UnauthorizedError } from "#src/errors.js";

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Lets the request through only with `Authorization: Bearer <admin key>` (or an admin session, see later). */
export function requireAdmin(adminKey: string, extra?: (req: Request) => boolean): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (token !== undefined && sameSecret(token, adminKey)) return next();
    if (extra?.(req)) return next();
    next(new UnauthorizedError("admin key required: send Authorization: Bearer <ADMIN_API_KEY>"));
  };
}
