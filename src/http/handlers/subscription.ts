// The pages a subscriber reaches from their emails: confirm, preferences (with their own data), unsubscribe.
// The token in the link is the only credential; a bad one gets a page that says so and shows nothing else.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AppDeps } from "#src/http/deps.js";
import type { Subscriber } from "#src/model.js";
import { InvalidTokenError } from "#src/subscribers/tokens.js";
import { ValidationError } from "#src/errors.js";
import { choicesView, type ChoicesValues } from "#src/http/page-views.js";
import { csrfToken, validCsrf, CSRF_FIELD } from "#src/http/csrf.js";

const tokenOf = (req: Request) => (typeof req.query.token === "string" ? req.query.token : "");

const LINK_PROBLEMS: Record<InvalidTokenError["problem"], string> = {
  malformed: "This link is incomplete. Please copy the whole link from the email, or click it there.",
  tampered: "This link is not valid. Please use the link exactly as it is in the email.",
  expired: "This confirmation link has expired. Subscribe again on the home page and we will send a new one.",
  wrong_purpose: "This link is meant for a different page. Please use the link from the email.",
  revoked: "This link no longer works: a newer email has replaced it. Please use the link in the latest email.",
  erased: "This link no longer works: the subscription it belonged to has been deleted, with everything we held about it.",
};

/** Wraps a page handler: a bad token becomes a clear 400 page (410 once its subscriber is erased). */
export function tokenPage(deps: AppDeps, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    handler(req, res).catch((error: unknown) => {
      if (!(error instanceof InvalidTokenError)) return next(error);
      res
        .status(error.problem === "erased" ? 410 : 400)
        .type("html")
        .send(
          deps.pages.render("message", {
            title: "This link does not work",
            heading: "This link does not work",
            text: LINK_PROBLEMS[error.problem],
            home: true,
          }),
        );
    });
}

export function confirmPage(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const subscriber = await deps.subscribers.confirm(tokenOf(req));
    const { preferencesUrl } = deps.subscribers.links(subscriber);
    res
      .type("html")
      .send(deps.pages.render("confirmed", { title: "Subscription confirmed", subscriber, active: subscriber.status === "active", preferencesUrl }));
  });
}

async function renderPreferences(
  deps: AppDeps,
  req: Request,
  res: Response,
  subscriber: Subscriber,
  extra: { status?: number; values?: ChoicesValues; errors?: Record<string, string>; saved?: boolean },
) {
  const categories = await deps.categories.list();
  const { unsubscribeUrl } = deps.subscribers.links(subscriber);
  const token = encodeURIComponent(tokenOf(req));
  res
    .status(extra.status ?? 200)
    .type("html")
    .send(
      deps.pages.render("preferences", {
        title: "Your preferences",
        subscriber,
        pending: subscriber.status === "pending",
        unsubscribed: subscriber.status === "unsubscribed" || subscriber.status === "suppressed",
        saved: extra.saved ?? false,
        action: `/preferences?token=${token}`,
        unsubscribeUrl,
        dataUrl: `/preferences/data?token=${token}`,
        deleteUrl: `/preferences/delete?token=${token}`,
        form: choicesView(categories, extra.values ?? subscriber, extra.errors),
        csrf: { field: CSRF_FIELD, token: csrfToken(req, res) },
      }),
    );
}

export function preferencesPage(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => renderPreferences(deps, req, res, await deps.subscribers.preferences(tokenOf(req)), {}));
}

export function savePreferences(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const subscriber = await deps.subscribers.preferences(tokenOf(req));
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (!validCsrf(req))
      return renderPreferences(deps, req, res, subscriber, { status: 403, values, errors: { form: "the form expired; please send it again" } });
    try {
      const saved = await deps.subscribers.savePreferences(tokenOf(req), values);
      await renderPreferences(deps, req, res, saved, { saved: true });
    } catch (error) {
      if (error instanceof ValidationError && !(error instanceof InvalidTokenError))
        return renderPreferences(deps, req, res, subscriber, { status: 400, values, errors: error.fields });
      throw error;
    }
  });
}

export function unsubscribePage(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const subscriber = await deps.subscribers.unsubscribeTarget(tokenOf(req));
    res.type("html").send(
      deps.pages.render("unsubscribe", {
        title: "Unsubscribe",
        email: subscriber.email,
        done: subscriber.status === "unsubscribed",
        action: `/unsubscribe?token=${encodeURIComponent(tokenOf(req))}`,
      }),
    );
  });
}

/**
 * RFC 8058 one-click: mailbox providers POST `List-Unsubscribe=One-Click` (urlencoded or multipart)
 * with no cookie. The signed token is the credential, so neither the body nor a CSRF token is
 * required; the answer is 200, never a redirect, and repeating it is harmless.
 */
export function unsubscribeNow(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const subscriber = await deps.subscribers.unsubscribe(tokenOf(req));
    res
      .status(200)
      .type("html")
      .send(deps.pages.render("unsubscribed", { title: "You are unsubscribed", email: subscriber.email }));
  });
}

/** "Download my data": everything held about the link's holder, as a JSON file. */
export function downloadData(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const data = await deps.subscribers.dataOf(tokenOf(req));
    res
      .set("Cache-Control", "no-store")
      .attachment("my-subscription-data.json")
      .type("application/json")
      .send(JSON.stringify(data, null, 2));
  });
}

function renderDeletePage(deps: AppDeps, req: Request, res: Response, email: string, status = 200, error?: string) {
  res
    .status(status)
    .type("html")
    .send(
      deps.pages.render("delete-me", {
        title: "Delete my subscription and data",
        email,
        error,
        action: `/preferences/delete?token=${encodeURIComponent(tokenOf(req))}`,
        back: `/preferences?token=${encodeURIComponent(tokenOf(req))}`,
        csrf: { field: CSRF_FIELD, token: csrfToken(req, res) },
      }),
    );
}

/** "Delete me", step one: what erasing means, and a button to confirm it. */
export function deletePage(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => renderDeletePage(deps, req, res, (await deps.subscribers.preferences(tokenOf(req))).email));
}

/** "Delete me", confirmed: the subscriber and their data are erased; every link they hold dies. */
export function deleteNow(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const subscriber = await deps.subscribers.preferences(tokenOf(req));
    if (!validCsrf(req)) return renderDeletePage(deps, req, res, subscriber.email, 403, "the form expired; please confirm again");
    await deps.subscribers.eraseSelf(tokenOf(req));
    res.type("html").send(deps.pages.render("erased", { title: "Your data is deleted", email: subscriber.email }));
  });
}
