// A throttle on guessing the admin key: per client IP, only failed attempts count (a wrong bearer
// key, a wrong key in the sign-in form). A request with a valid key or session is never held back,
// and one with no credential at all (the sign-in page itself) is no guess and is not counted.
import { rateLimit } from "express-rate-limit";
import type { Request, RequestHandler, Response } from "express";
import { bearerToken } from "#src/http/auth.js";
import type { LimitStores } from "#src/http/ratelimit.js";

export interface AdminThrottleOptions {
  /** Failed attempts per client IP per window; the next one is answered 429. */
  failures: number;
  windowMinutes: number;
  /** Shared counts (Redis) when several web processes serve; undefined = in-memory. */
  store?: LimitStores | undefined;
}

/** The defaults: ten wrong keys per quarter hour lets an operator mistype, not a script guess. */
export const ADMIN_THROTTLE = { failures: 10, windowMinutes: 15 } as const;

export type Credential = "none" | "valid" | "invalid";

export interface AdminThrottleDeps {
  /** Whether a presented secret opens anything (the admin key, or the metrics token). */
  validKey(key: string): boolean;
  /** Whether the request carries a valid admin session. */
  hasSession(req: Request): boolean;
  onLimited(req: Request, res: Response): void;
}

/** What the request presents: a bearer token, or the sign-in form's key (read once that form is parsed). */
function credentialOf(req: Request, deps: Pick<AdminThrottleDeps, "validKey" | "hasSession">): Credential {
  if (deps.hasSession(req)) return "valid";
  const formKey = (req.body as Record<string, unknown> | undefined)?.key;
  const key = bearerToken(req) ?? (typeof formKey === "string" ? formKey.trim() : undefined);
  if (key === undefined) return "none";
  return deps.validKey(key) ? "valid" : "invalid";
}

export function adminThrottle(options: AdminThrottleOptions, deps: AdminThrottleDeps): RequestHandler {
  return rateLimit({
    windowMs: options.windowMinutes * 60_000,
    limit: options.failures,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    identifier: "admin-auth",
    skip: (req) => credentialOf(req, deps) !== "invalid",
    // Counted once answered, and only when the answer is "wrong key" (a stale form's 403 is not a guess).
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    handler: (req, res) => deps.onLimited(req, res),
    ...(options.store ? { store: options.store("admin-auth") } : {}),
  });
}
