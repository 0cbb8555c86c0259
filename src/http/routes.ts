// The one route table.
import type { Express } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { requireAdmin } from "#src/http/auth.js";
import { health } from "#src/http/handlers/health.js";
import { addEngagement, deleteArticle, getArticle, patchArticle, saveArticle } from "#src/http/handlers/articles.js";
import { listCategories, upsertCategory } from "#src/http/handlers/categories.js";
import { issuePartnerKey, listPartnerKeys, revokePartnerKey } from "#src/http/handlers/partner-keys.js";
import { feedStats } from "#src/http/handlers/feed-stats.js";

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
  // Feeds themselves are served before express, by the lean path (http/feeds-fast.ts).
  app.post("/api/partners/:slug/keys", admin, issuePartnerKey(deps));
  app.get("/api/partners/:slug/keys", admin, listPartnerKeys(deps));
  app.delete("/api/partners/:slug/keys/:prefix", admin, revokePartnerKey(deps));
  app.get("/api/feeds/stats", admin, feedStats(deps));
}
