// Operators' dashboard pages: login, logout, the dashboard, an edition, the confirmation step.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { csrfToken, validCsrf } from "#src/http/csrf.js";
import { sameSecret } from "#src/http/auth.js";
import { endSession, hasSession, startSession } from "#src/http/admin-session.js";
import { statusOf } from "#src/http/errors.js";
import { dashboardView, editionView } from "#src/admin/dashboard.js";
import { noticeText } from "#src/admin/notices.js";
import { parseOrThrow } from "#src/validate.js";
import { frequencySchema } from "#src/validate.js";
import { plural } from "#src/plural.js";

const https = (deps: AppDeps) => deps.config.baseUrl.startsWith("https:");

function render(deps: AppDeps, req: Request, res: Response, page: string, data: Record<string, unknown> & { title: string }, status = 200): void {
  res
    .status(status)
    .set("Cache-Control", "no-store")
    .type("html")
    .send(deps.pages.render(page, { ...data, admin: true, csrf: csrfToken(req, res) }));
}

export function loginPage(deps: AppDeps): RequestHandler {
  return (req, res) => {
    if (hasSession(req, deps.adminSession)) return res.redirect(303, "/admin");
    render(deps, req, res, "admin/login", { title: "Operators' sign-in", signedOut: req.query.out === "1" });
  };
}

/** A dashboard page asked for without a session: the sign-in form, with 401. */
export function signInFirst(deps: AppDeps): RequestHandler {
  return (req, res) => render(deps, req, res, "admin/login", { title: "Operators' sign-in" }, 401);
}

export function login(deps: AppDeps): RequestHandler {
  return (req, res) => {
    const key = (req.body as Record<string, unknown> | undefined)?.key;
    if (!validCsrf(req))
      return render(deps, req, res, "admin/login", { title: "Operators' sign-in", error: "The form had expired. Please sign in again." }, 403);
    if (typeof key !== "string" || !sameSecret(key.trim(), deps.config.adminApiKey)) {
      req.log?.warn("admin: sign-in refused (wrong key)");
      return render(deps, req, res, "admin/login", { title: "Operators' sign-in", error: "That key is not the admin key." }, 401);
    }
    startSession(req, res, deps.adminSession, https(deps));
    res.redirect(303, "/admin");
  };
}

/** Too many wrong keys from one client: the sign-in form says when to try again; the API answers JSON. */
export function adminThrottled(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const seconds = Number(res.getHeader("Retry-After"));
    const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : undefined;
    const later = minutes === undefined ? "later" : `in ${plural(minutes, "minute")}`;
    req.log?.warn("admin: too many wrong keys from this client; refused");
    if (req.originalUrl.startsWith("/admin")) {
      return render(
        deps,
        req,
        res,
        "admin/login",
        { title: "Operators' sign-in", error: `Too many wrong keys from your network. Please try again ${later}.` },
        429,
      );
    }
    res.status(429).json({ error: `too many requests with a wrong admin key from this client; try again ${later}` });
  };
}

export function logout(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    await endSession(req, res, deps.adminSession, https(deps));
    res.redirect(303, "/admin/login?out=1");
  };
}

export function dashboard(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const view = await dashboardView(deps.dashboard, new Date());
    render(deps, req, res, "admin/dashboard", { title: "Operators' dashboard", notice: noticeText(req.query), ...view });
  };
}

const editionId = z.object({ id: z.coerce.number().int().positive({ message: "must be an edition id" }) });

export function editionPage(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { id } = parseOrThrow(editionId, req.params, "edition");
    const view = await editionView(deps.dashboard, id);
    render(deps, req, res, "admin/edition", { title: `Edition ${id}`, notice: noticeText(req.query), ...view });
  };
}

export const frequencyQuery = z.object({ frequency: frequencySchema });

/** The confirmation step before an edition is sent: says to how many people it goes. */
export function confirmEditionPage(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { frequency } = parseOrThrow(frequencyQuery, req.query, "edition");
    const recipients = await deps.dashboard.recipients(frequency);
    render(deps, req, res, "admin/confirm-edition", {
      title: `Send a ${frequency} edition now?`,
      frequency,
      recipients: plural(recipients, `active ${frequency} subscriber`),
      sendTo: `Yes, send to ${plural(recipients, "subscriber")}`,
    });
  };
}

/** Errors on dashboard pages and actions answer as a page, with the status the API would give. */
export function adminErrorPage(deps: AppDeps): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    if (status >= 500) req.log?.error({ err: error }, "admin page failed");
    const text = status >= 500 ? "Something went wrong; the details are in the server log." : (error as Error).message;
    render(
      deps,
      req,
      res,
      "admin/message",
      { title: "Operators' dashboard", heading: status === 403 ? "Not allowed" : status === 404 ? "Not found" : "That did not work", text },
      status,
    );
  };
}
