// GET /r/{token}: a digest story link. A good token answers 302 to the story (from the article, never
// from the request); a cut, changed or stale one gets a page (or JSON) that says so, and no redirect.
import type { Request, RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { statusOf, wantsHtml } from "#src/http/errors.js";
import { InvalidClickError, UnknownStoryError } from "#src/clicks/token.js";

const PROBLEMS = {
  malformed: "This link is incomplete. Please copy the whole link from the email, or click it there.",
  tampered: "This link is not valid. Please use the link exactly as it is in the email.",
  unknown: "This story is no longer available.",
};

/** Headers by which browsers and scanners say a request is a prefetch or preview, not a person's click. */
function purposeOf(req: Request): string | undefined {
  return [req.get("sec-purpose"), req.get("purpose"), req.get("x-purpose"), req.get("x-moz")].filter(Boolean).join(" ") || undefined;
}

export function followClick(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const { location } = await deps.clicks.follow(String(req.params.token), {
        method: req.method,
        ip: req.ip ?? "",
        userAgent: req.get("user-agent"),
        purpose: purposeOf(req),
      });
      res.set({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex" }).redirect(302, location);
    } catch (error) {
      if (!(error instanceof InvalidClickError || error instanceof UnknownStoryError)) return next(error);
      res.vary("Accept");
      if (!wantsHtml(req)) return next(error);
      const text = error instanceof InvalidClickError ? PROBLEMS[error.problem] : PROBLEMS.unknown;
      const heading = error instanceof InvalidClickError ? "This link does not work" : "Story not found";
      res
        .status(statusOf(error))
        .type("html")
        .send(deps.pages.render("message", { title: heading, heading, text, home: true }));
    }
  };
}
