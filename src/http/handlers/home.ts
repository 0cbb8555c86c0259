// GET / (categories, feed autodiscovery, the subscribe form) and POST /subscribe (form or JSON).
import type { Request, RequestHandler, Response } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { feedLinks, feedRef } from "#src/feeds-out/urls.js";
import { choicesView, type ChoicesValues } from "#src/http/page-views.js";
import { csrfToken, validCsrf, CSRF_FIELD } from "#src/http/csrf.js";
import { ValidationError } from "#src/errors.js";

async function renderHome(
  deps: AppDeps,
  req: Request,
  res: Response,
  status: number,
  values: ChoicesValues & { email?: unknown },
  errors: Record<string, string> = {},
) {
  const categories = await deps.categories.list();
  const base = deps.config.baseUrl;
  const withFeeds = categories.map((c) => ({ ...c, feeds: feedLinks(base, "public", feedRef("category", c.slug)) }));
  const alternates = [
    ...withFeeds.flatMap((c) => c.feeds.map((f) => ({ type: f.type, title: `${c.name} (${f.label})`, url: f.url }))),
    // Readers that import subscription lists find every category at once.
    { rel: "outline", type: "text/x-opml", title: "All categories (OPML)", url: `${base}/feeds.opml` },
  ];
  res
    .status(status)
    .type("html")
    .send(
      deps.pages.render("home", {
        title: deps.config.publisherName,
        alternates,
        categories: withFeeds,
        form: { ...choicesView(categories, values, errors), email: typeof values.email === "string" ? values.email : "" },
        csrf: { field: CSRF_FIELD, token: csrfToken(req, res) },
      }),
    );
}

export function homePage(deps: AppDeps): RequestHandler {
  return (req, res) => renderHome(deps, req, res, 200, {});
}

/** One answer whatever the address's state; the form shows errors beside the fields. */
export function subscribe(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const context = { ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null };
    if (req.is("application/json")) {
      await deps.subscribers.subscribe(req.body, context);
      res.status(202).json({ status: "accepted", message: "If this address can subscribe, a confirmation email is on its way." });
      return;
    }
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (!validCsrf(req)) return renderHome(deps, req, res, 403, values, { form: "the form expired; please send it again" });
    try {
      await deps.subscribers.subscribe(values, context);
    } catch (error) {
      if (error instanceof ValidationError) return renderHome(deps, req, res, 400, values, error.fields);
      throw error;
    }
    res
      .status(200)
      .type("html")
      .send(deps.pages.render("check-inbox", { title: "Check your inbox" }));
  };
}

/** What a rate-limited subscriber sees: JSON 429, or a page saying when to try again. */
export function subscribeLimited(deps: AppDeps) {
  return (req: Request, res: Response) => {
    const message = "Too many subscription requests. Please try again later.";
    if (req.is("application/json")) {
      res.status(429).json({ error: message });
      return;
    }
    res
      .status(429)
      .type("html")
      .send(deps.pages.render("message", { title: "Please try again later", heading: "Please try again later", text: message }));
  };
}
