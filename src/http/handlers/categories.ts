// Categories: the public list and the admin upsert.
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { slugSchema } from "#src/slug.js";
import { parseOrThrow } from "#src/validate.js";
import type { Category } from "#src/model.js";
import { feedRef, feedUrls } from "#src/feeds-out/urls.js";

export const categorySchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1, { message: "required" }).max(200),
  description: z.string().max(2000).default(""),
});

function categoryJson(baseUrl: string, category: Category) {
  return {
    slug: category.slug,
    name: category.name,
    description: category.description,
    feeds: feedUrls(baseUrl, "public", feedRef("category", category.slug)),
  };
}

export function upsertCategory(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const input = parseOrThrow(categorySchema, req.body, "category");
    const { category, created } = await deps.categories.upsert(input);
    res.status(created ? 201 : 200).json(categoryJson(deps.config.baseUrl, category));
  };
}

export function listCategories(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const categories = await deps.categories.list();
    res.json(categories.map((c) => categoryJson(deps.config.baseUrl, c)));
  };
}
