// The admin session cookie: set on login, cleared on logout, accepted wherever the admin key is.
import type { CookieOptions, Request, RequestHandler, Response } from "express";
import type { SessionCodec } from "#src/admin/session.js";
import { validCsrf } from "#src/http/csrf.js";
import { bearerToken, sameSecret } from "#src/http/auth.js";
import { ForbiddenError } from "#src/errors.js";

const SESSION_COOKIE = "dispatch_admin";

function cookieOptions(req: Request, httpsSite: boolean): CookieOptions {
  // Strict: the browser never sends it with a request started by another site.
  return { httpOnly: true, sameSite: "strict", secure: httpsSite || req.secure, path: "/" };
}

export function startSession(req: Request, res: Response, codec: SessionCodec, httpsSite: boolean): void {
  const { value, expires } = codec.issue(new Date());
  res.cookie(SESSION_COOKIE, value, { ...cookieOptions(req, httpsSite), expires });
}

/** Ends the session for good (a copy of the cookie stops working too), then clears the cookie. */
export async function endSession(req: Request, res: Response, codec: SessionCodec, httpsSite: boolean): Promise<void> {
  await codec.end((req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE], new Date());
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, httpsSite));
}

export function hasSession(req: Request, codec: SessionCodec): boolean {
  const value = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return codec.valid(value, new Date());
}

/**
 * The session as an alternative to the bearer key on the admin API: for reads, and for writes a
 * browser can only send from our own pages (JSON bodies need CORS cross-origin, which we never grant).
 */
export function sessionAuthorises(codec: SessionCodec): (req: Request) => boolean {
  return (req) => {
    if (!hasSession(req, codec)) return false;
    return req.method === "GET" || req.method === "HEAD" || !!req.is("application/json");
  };
}

/**
 * Dashboard pages: with a session (or the admin key as a bearer token, for scripts and checks);
 * otherwise `signIn` answers, with the sign-in form and 401.
 */
export function sessionPage(codec: SessionCodec, adminKey: string, signIn: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req);
    if (hasSession(req, codec) || (token !== undefined && sameSecret(token, adminKey))) return next();
    return signIn(req, res, next);
  };
}

/**
 * Dashboard actions (form posts): a session, then the form is read (`body`), then its CSRF token
 * must be the one from our own form.
 */
export function sessionAction(codec: SessionCodec, body: RequestHandler[]): RequestHandler[] {
  const session: RequestHandler = (req, res, next) => {
    if (!hasSession(req, codec)) return res.redirect(303, "/admin/login");
    next();
  };
  const csrf: RequestHandler = (req, _res, next) => {
    if (!validCsrf(req)) return next(new ForbiddenError("admin: the form has expired or did not come from this site; reload the page and try again"));
    next();
  };
  return [session, ...body, csrf];
}
