// GET /api/related/{slug}: an article's related stories as JSON, for any site (CORS, no key).
import type { RequestHandler, Response } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import type { RelatedStories } from "#src/articles/related.js";
import { DEFAULT_COUNTS } from "#src/articles/related.js";
import { slugSchema } from "#src/slug.js";
import { parseOrThrow } from "#src/validate.js";
import { sendConditional } from "#src/http/conditional.js";

const MAX_RELATED = 10;
const limitWords = { message: `must be a whole number from 1 to ${MAX_RELATED}` };

export const relatedPath = z.object({ slug: slugSchema });
export const relatedQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,2}$/, limitWords)
    .transform(Number)
    .pipe(z.number().min(1, limitWords).max(MAX_RELATED, limitWords))
    .optional()
    .meta({ description: `How many "You may also like" stories, 1 to ${MAX_RELATED} (default ${DEFAULT_COUNTS.youMayAlsoLike})` }),
});

/** The article's related stories for a public request: 404 for an unknown slug, 400 for a bad limit. */
export async function relatedFor(
  deps: AppDeps,
  params: unknown,
  query: unknown,
  counts: (limit: number | undefined) => { readAlso: number; youMayAlsoLike: number },
): Promise<RelatedStories> {
  const { slug } = parseOrThrow(relatedPath, params, "related");
  const { limit } = parseOrThrow(relatedQuery, query, "related");
  const article = await deps.articles.get(slug);
  return deps.related.forArticle(article, counts(limit));
}

/** Any origin may read it: the stories are public, and no credential is involved. */
export function allowAnyOrigin(res: Response): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", "ETag");
  res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
}

export function getRelated(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    // Set first, so that errors (400, 404) are readable from other origins too.
    allowAnyOrigin(res);
    const stories = await relatedFor(deps, req.params, req.query, (limit) => ({
      readAlso: DEFAULT_COUNTS.readAlso,
      youMayAlsoLike: limit ?? DEFAULT_COUNTS.youMayAlsoLike,
    }));
    sendConditional(req, res, JSON.stringify(stories), "json");
  };
}

/** The CORS preflight, for a browser that sends If-None-Match from a script on another origin. */
export function relatedPreflight(): RequestHandler {
  return (_req, res) => {
    allowAnyOrigin(res);
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since, Accept");
    res.setHeader("Access-Control-Max-Age", "86400");
    res.status(204).end();
  };
}
