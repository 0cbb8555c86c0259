// Admin API: articles and engagement.
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { parseOrThrow } from "#src/validate.js";

export function saveArticle(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const outcome = await deps.articles.save(req.body);
    res.status(outcome.created ? 201 : 200).json(outcome.article);
  };
}

export function getArticle(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    res.json(await deps.articles.get(req.params.slug));
  };
}

export function patchArticle(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    const fields = parseOrThrow(z.record(z.string(), z.unknown()), req.body, "article");
    const outcome = await deps.articles.patch(req.params.slug, fields);
    res.json(outcome.article);
  };
}

export function deleteArticle(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    await deps.articles.remove(req.params.slug);
    res.status(204).end();
  };
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a day, YYYY-MM-DD" })
  .refine((d) => !Number.isNaN(Date.parse(d)), { message: "not a real day" });
const count = z.number().int().min(0).max(1e12).default(0);
export const engagementSchema = z.object({
  events: z
    .array(z.object({ slug: z.string().min(1), day, views: count, shares: count, comments: count, clicks: count }))
    .min(1)
    .max(10_000),
});

export function addEngagement(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { events } = parseOrThrow(engagementSchema, req.body, "engagement");
    const added = await deps.articles.addEngagement(events);
    res.json({ added });
  };
}
