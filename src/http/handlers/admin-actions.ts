// Operators' dashboard actions: CSRF-checked form posts that call the same services as the API.
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { csrfToken } from "#src/http/csrf.js";
import { feedRef, feedUrl as buildFeedUrl } from "#src/feeds-out/urls.js";
import { slugSchema } from "#src/slug.js";
import { parseOrThrow } from "#src/validate.js";
import { frequencySchema } from "#src/validate.js";

const slugParam = z.object({ slug: slugSchema });
const keyParam = z.object({ slug: slugSchema, prefix: z.string().regex(/^[0-9a-f]{10}$/, { message: "must be a key prefix (10 hex digits)" }) });
const editionId = z.object({ id: z.coerce.number().int().positive({ message: "must be an edition id" }) });
export const editionForm = z.object({
  frequency: frequencySchema,
  confirm: z.literal("yes", { message: "confirm on the confirmation page first" }),
});

export function pullPartnerNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { slug } = parseOrThrow(slugParam, req.params, "partner");
    const { pull } = await deps.partners.pullNow(slug);
    res.redirect(303, `/admin?done=pulled&partner=${slug}&status=${pull.status}#partners`);
  };
}

export function runEditionNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { frequency } = parseOrThrow(editionForm, req.body ?? {}, "edition");
    const id = await deps.digest.startEdition(frequency);
    res.redirect(303, `/admin/editions/${id}?done=started`);
  };
}

export function retryFailedNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { id } = parseOrThrow(editionId, req.params, "edition");
    await deps.digest.edition(id);
    const n = await deps.digest.retryFailed(id);
    res.redirect(303, `/admin/editions/${id}?done=retried&n=${n}`);
  };
}

/** The new key is shown on this answer only: it is stored hashed and never shown again. */
export function issueKeyNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { slug } = parseOrThrow(slugParam, req.params, "partner key");
    const issued = await deps.partnerKeys.issue(slug);
    const feedUrl = buildFeedUrl(deps.config.baseUrl, "partner", feedRef("all", null), "rss");
    res
      .status(201)
      .set("Cache-Control", "no-store")
      .type("html")
      .send(deps.pages.render("admin/key", { title: "New partner key", admin: true, csrf: csrfToken(req, res), slug, ...issued, feedUrl }));
  };
}

export function revokeKeyNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { slug, prefix } = parseOrThrow(keyParam, req.params, "partner key");
    await deps.partnerKeys.revoke(slug, prefix);
    res.redirect(303, `/admin?done=revoked&partner=${slug}&key=${prefix}#partners`);
  };
}

export const previewForm = z.object({
  subscriber: z.string().trim().optional(),
  category: z.union([z.string(), z.array(z.string())]).optional(),
  frequency: frequencySchema.default("daily"),
});

/** The preview form's choices, handed to GET /digest/preview (which the session also opens). */
export function previewRedirect(): RequestHandler {
  return (req, res) => {
    const form = parseOrThrow(previewForm, req.query, "preview");
    const params = new URLSearchParams();
    if (form.subscriber) params.set("subscriber", form.subscriber);
    else {
      const categories = [form.category ?? []].flat().filter(Boolean);
      params.set("categories", categories.join(","));
      params.set("frequency", form.frequency);
    }
    res.redirect(303, `/digest/preview?${params.toString()}`);
  };
}
