// The one route table.
import type { Express } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { requireAdmin } from "#src/http/auth.js";
import { health } from "#src/http/handlers/health.js";
import { addEngagement, deleteArticle, getArticle, patchArticle, saveArticle } from "#src/http/handlers/articles.js";
import { listCategories, upsertCategory } from "#src/http/handlers/categories.js";
import { getPartner, listPartners, pullPartner, savePartner } from "#src/http/handlers/partners.js";

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

  app.get("/api/partners", admin, listPartners(deps));
  app.post("/api/partners", admin, savePartner(deps));
  app.get("/api/partners/:slug", admin, getPartner(deps));
  app.post("/api/partners/:slug/pull", admin, pullPartner(deps));
}
