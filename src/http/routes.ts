// The one route table.
import type { Express } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { requireAdmin } from "#src/http/auth.js";
import { health } from "#src/http/handlers/health.js";
import { addEngagement, deleteArticle, getArticle, patchArticle, saveArticle } from "#src/http/handlers/articles.js";
import { listCategories, upsertCategory } from "#src/http/handlers/categories.js";
import { getEdition, listEditions, previewDigest, reportBounces, retryEdition, startEdition, viewDelivered } from "#src/http/handlers/digests.js";

export function registerRoutes(app: Express, deps: AppDeps): void {
  const admin = requireAdmin(deps.config.adminApiKey);

  app.get("/healthz", health(deps));
  app.get("/categories", listCategories(deps));

  app.post("/api/categories", admin, upsertCategory(deps));
  app.post("/api/articles", admin, saveArticle(deps));
  app.get("/api/articles/:slug", admin, getArticle(deps));
  app.patch("/api/articles/:slug", admin, patchArticle(deps));
  app.delete("/api/articles/:slug", admin, deleteArticle(deps));
  app.post("/api/engagement", admin, addEngagement(deps));

  app.get("/api/editions", admin, listEditions(deps));
  app.post("/api/editions", admin, startEdition(deps));
  app.get("/api/editions/:id", admin, getEdition(deps));
  app.post("/api/editions/:id/retry", admin, retryEdition(deps));
  app.post("/api/bounces", admin, reportBounces(deps));
  app.get("/digest/preview", admin, previewDigest(deps));
  app.get("/digest/view", viewDelivered(deps));
}
