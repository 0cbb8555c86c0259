// CSRF protection for the page forms: a double-submit token. A random value lives in an HttpOnly,
// SameSite=Lax cookie and in a hidden field; a cross-site form can send the cookie but cannot read it
// to fill the field. JSON requests need no token: browsers cannot send them cross-site without CORS.
import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import { sameSecret } from "#src/http/auth.js";

const CSRF_COOKIE = "dispatch_csrf";
export const CSRF_FIELD = "_csrf";

/** The request's token, set as a cookie when it has none yet. */
export function csrfToken(req: Request, res: Response): string {
  const existing = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
  if (typeof existing === "string" && existing.length >= 32) return existing;
  const token = randomBytes(24).toString("base64url");
  res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
  return token;
}

export function validCsrf(req: Request): boolean {
  const cookie = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  return typeof cookie === "string" && typeof field === "string" && cookie.length >= 32 && sameSecret(field, cookie);
}
