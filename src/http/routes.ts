// The one route table.
import type { Express } from "express";
import cookieParser from "cookie-parser";
import type { AppDeps } from "#src/http/deps.js";
import { requireAdmin } from "#src/http/auth.js";
import { health } from "#src/http/handlers/health.js";
import { addEngagement, deleteArticle, getArticle, patchArticle, saveArticle } from "#src/http/handlers/articles.js";
import { listCategories, upsertCategory } from "#src/http/handlers/categories.js";
import { getEdition, listEditions, previewDigest, reportBounces, retryEdition, startEdition, viewDelivered } from "#src/http/handlers/digests.js";
import { homePage, subscribe, subscribeLimited } from "#src/http/handlers/home.js";
import { confirmPage, preferencesPage, savePreferences, unsubscribeNow, unsubscribePage } from "#src/http/handlers/subscription.js";
import { eraseSubscriber, exportSubscriber, importSubscriber, listSubscribers } from "#src/http/handlers/subscribers.js";
import { subscribeLimiters } from "#src/http/ratelimit.js";
import { getPartner, listPartners, pullPartner, savePartner } from "#src/http/handlers/partners.js";
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

  app.get("/api/editions", admin, listEditions(deps));
  app.post("/api/editions", admin, startEdition(deps));
  app.get("/api/editions/:id", admin, getEdition(deps));
  app.post("/api/editions/:id/retry", admin, retryEdition(deps));
  app.post("/api/bounces", admin, reportBounces(deps));
  app.get("/digest/preview", admin, previewDigest(deps));
  app.get("/digest/view", viewDelivered(deps));
  // Pages (HTML). Cookies are read only here: they carry the CSRF token of the forms.
  const cookies = cookieParser();
  app.get("/", cookies, homePage(deps));
  app.post("/subscribe", cookies, ...subscribeLimiters(deps.subscribeLimit, subscribeLimited(deps)), subscribe(deps));
  app.get("/confirm", confirmPage(deps));
  app.get("/preferences", cookies, preferencesPage(deps));
  app.post("/preferences", cookies, savePreferences(deps));
  app.get("/unsubscribe", unsubscribePage(deps));
  app.post("/unsubscribe", unsubscribeNow(deps));

  app.get("/api/subscribers", admin, listSubscribers(deps));
  app.post("/api/subscribers", admin, importSubscriber(deps));
  app.get("/api/subscribers/:email", admin, exportSubscriber(deps));
  app.delete("/api/subscribers/:email", admin, eraseSubscriber(deps));
  app.get("/api/partners", admin, listPartners(deps));
  app.post("/api/partners", admin, savePartner(deps));
  app.get("/api/partners/:slug", admin, getPartner(deps));
  app.post("/api/partners/:slug/pull", admin, pullPartner(deps));
  // Feeds themselves are served before express, by the lean path (http/feeds-fast.ts).
  app.post("/api/partners/:slug/keys", admin, issuePartnerKey(deps));
  app.get("/api/partners/:slug/keys", admin, listPartnerKeys(deps));
  app.delete("/api/partners/:slug/keys/:prefix", admin, revokePartnerKey(deps));
  app.get("/api/feeds/stats", admin, feedStats(deps));
}
