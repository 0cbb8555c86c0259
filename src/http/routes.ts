// The one route table.
import type { Express } from "express";
import cookieParser from "cookie-parser";
import type { AppDeps } from "#src/http/deps.js";
import { requireAdmin, sameSecret } from "#src/http/auth.js";
import { health } from "#src/http/handlers/health.js";
import { addEngagement, deleteArticle, getArticle, patchArticle, saveArticle } from "#src/http/handlers/articles.js";
import { listCategories, upsertCategory } from "#src/http/handlers/categories.js";
import { getEdition, listEditions, previewDigest, reportBounces, retryEdition, startEdition, viewDelivered } from "#src/http/handlers/digests.js";
import { homePage, subscribe, subscribeLimited } from "#src/http/handlers/home.js";
import {
  confirmPage,
  deleteNow,
  deletePage,
  downloadData,
  preferencesPage,
  savePreferences,
  unsubscribeNow,
  unsubscribePage,
} from "#src/http/handlers/subscription.js";
import { eraseSubscriber, exportCsv, exportSubscriber, importCsv, importSubscriber, importUploadNow, listSubscribers } from "#src/http/handlers/subscribers.js";
import { subscribeLimiters } from "#src/http/ratelimit.js";
import { getPartner, listPartners, pullPartner, savePartner } from "#src/http/handlers/partners.js";
import { issuePartnerKey, listPartnerKeys, revokePartnerKey } from "#src/http/handlers/partner-keys.js";
import { feedStats } from "#src/http/handlers/feed-stats.js";
import { hasSession, sessionAction, sessionAuthorises, sessionPage } from "#src/http/admin-session.js";
import { adminErrorPage, adminThrottled, confirmEditionPage, dashboard, editionPage, login, loginPage, logout, signInFirst } from "#src/http/handlers/admin.js";
import { issueKeyNow, previewRedirect, pullPartnerNow, retryFailedNow, revokeKeyNow, runEditionNow } from "#src/http/handlers/admin-actions.js";
import { metricsAccess, metricsHandler } from "#src/http/metrics.js";
import { formBody, jsonBody, multipartBody, rawBody } from "#src/http/bodies.js";
import { ADMIN_THROTTLE, adminThrottle } from "#src/http/admin-throttle.js";
import { articlePage } from "#src/http/handlers/article-page.js";
import { getRelated, relatedPreflight } from "#src/http/handlers/related.js";
import { embedRelated } from "#src/http/handlers/embed.js";
import { favicon } from "#src/http/handlers/favicon.js";
import { followClick } from "#src/http/handlers/clicks.js";
import { archiveFeed, archiveIndex, archivePage } from "#src/http/handlers/archive.js";
import { openApiDocument } from "#src/http/openapi/handler.js";
import { feedsOpml } from "#src/http/handlers/opml.js";
import { mailgunWebhook, postmarkWebhook, sendgridWebhook, sesWebhook } from "#src/http/handlers/webhooks.js";
import { pushBody, receivePush, verifyCallback } from "#src/http/handlers/websub.js";

export function registerRoutes(app: Express, deps: AppDeps): void {
  const cookies = cookieParser();
  // The admin key as a bearer token, or the operators' dashboard session cookie.
  const throttle = adminKeyThrottle(deps);
  const admin = [cookies, throttle, requireAdmin(deps.config.adminApiKey, sessionAuthorises(deps.adminSession))];
  // Bodies are read after the checks above, with a limit per kind of route (http/bodies.ts).
  const [article, bulk, object, form] = [jsonBody("article"), jsonBody("bulk"), jsonBody("object"), formBody()];

  app.get("/healthz", health(deps));
  app.get("/categories", listCategories(deps));
  app.get("/feeds.opml", feedsOpml(deps));
  app.get("/api/openapi.json", openApiDocument(deps.config.baseUrl));

  app.post("/api/categories", admin, object, upsertCategory(deps));
  app.post("/api/articles", admin, article, saveArticle(deps));
  app.get("/api/articles/:slug", admin, getArticle(deps));
  app.patch("/api/articles/:slug", admin, article, patchArticle(deps));
  app.delete("/api/articles/:slug", admin, deleteArticle(deps));
  app.post("/api/engagement", admin, bulk, addEngagement(deps));

  app.get("/api/editions", admin, listEditions(deps));
  app.post("/api/editions", admin, object, startEdition(deps));
  app.get("/api/editions/:id", admin, getEdition(deps));
  app.post("/api/editions/:id/retry", admin, retryEdition(deps));
  app.post("/api/bounces", admin, bulk, reportBounces(deps));
  app.get("/digest/preview", admin, previewDigest(deps));
  app.get("/digest/view", viewDelivered(deps));
  // Mail providers' bounce and complaint reports: signed, so read as raw bytes (http/bodies.ts).
  const [signed, signedBatch] = [rawBody("webhook"), rawBody("bulk")];
  app.post("/webhooks/mailgun", signed, mailgunWebhook(deps));
  app.post("/webhooks/postmark", signed, postmarkWebhook(deps));
  app.post("/webhooks/sendgrid", signedBatch, sendgridWebhook(deps));
  app.post("/webhooks/ses", signed, sesWebhook(deps));
  // Partners' WebSub hubs: verification of intent, then signed pushes (read raw: the signature covers the bytes).
  app.get("/websub/callback/:id", verifyCallback(deps));
  app.post("/websub/callback/:id", pushBody(deps), receivePush(deps));
  // Pages (HTML). Cookies carry the CSRF token of the forms (and the admin session).
  app.get("/", cookies, homePage(deps));
  // The per-IP limit comes before the form is read; the per-address one needs the form.
  const [perIp, perAddress] = subscribeLimiters(deps.subscribeLimit, subscribeLimited(deps));
  app.post("/subscribe", cookies, perIp, form, perAddress, subscribe(deps));
  app.get("/confirm", confirmPage(deps));
  app.get("/preferences", cookies, preferencesPage(deps));
  app.post("/preferences", cookies, form, savePreferences(deps));
  app.get("/preferences/data", downloadData(deps));
  app.get("/preferences/delete", cookies, deletePage(deps));
  app.post("/preferences/delete", cookies, form, deleteNow(deps));
  app.get("/unsubscribe", unsubscribePage(deps));
  app.post("/unsubscribe", unsubscribeNow(deps));
  app.get("/articles/:slug", articlePage(deps));
  app.get("/r/:token", followClick(deps));
  // The public archive of digests: feeds first, since /digests/{frequency} would match "daily.rss".
  app.get("/digests", archiveIndex(deps));
  app.get("/digests/:frequency.rss", archiveFeed(deps, "rss"));
  app.get("/digests/:frequency.atom", archiveFeed(deps, "atom"));
  app.get("/digests/:frequency", archiveIndex(deps));
  app.get("/digests/:frequency/:period", archivePage(deps));
  // Related stories for other sites: JSON with CORS, and a block they may frame or include.
  app.get("/api/related/:slug", getRelated(deps));
  app.options("/api/related/:slug", relatedPreflight());
  app.get("/embed/related/:slug", embedRelated(deps));
  app.get("/favicon.ico", favicon());

  app.get("/api/subscribers", admin, listSubscribers(deps));
  app.post("/api/subscribers", admin, bulk, importSubscriber(deps));
  app.post("/api/subscribers/import", admin, importCsv(deps), bulk, importSubscriber(deps));
  app.get("/api/subscribers.csv", admin, exportCsv(deps));
  app.get("/api/subscribers/:email", admin, exportSubscriber(deps));
  app.delete("/api/subscribers/:email", admin, eraseSubscriber(deps));
  app.get("/api/partners", admin, listPartners(deps));
  app.post("/api/partners", admin, object, savePartner(deps));
  app.get("/api/partners/:slug", admin, getPartner(deps));
  app.post("/api/partners/:slug/pull", admin, pullPartner(deps));
  // Feeds themselves are served before express, by the lean path (http/feeds-fast.ts).
  app.post("/api/partners/:slug/keys", admin, issuePartnerKey(deps));
  app.get("/api/partners/:slug/keys", admin, listPartnerKeys(deps));
  app.delete("/api/partners/:slug/keys/:prefix", admin, revokePartnerKey(deps));
  app.get("/api/feeds/stats", admin, feedStats(deps));

  if (deps.metrics)
    app.get("/metrics", throttle, metricsHandler(deps.metrics.endpoint, metricsAccess({ token: deps.config.metricsToken, adminKey: deps.config.adminApiKey })));

  // Operators' dashboard: pages need the session; actions need it and a CSRF token.
  const page = [cookies, throttle, sessionPage(deps.adminSession, deps.config.adminApiKey, signInFirst(deps))];
  const action = [cookies, ...sessionAction(deps.adminSession, form)];
  app.get("/admin/login", cookies, loginPage(deps));
  app.post("/admin/login", cookies, form, throttle, login(deps));
  app.post("/admin/logout", action, logout(deps));
  app.get("/admin", page, dashboard(deps));
  app.get("/admin/editions/new", page, confirmEditionPage(deps));
  app.get("/admin/editions/:id", page, editionPage(deps));
  app.get("/admin/preview", page, previewRedirect());
  app.post("/admin/editions", action, runEditionNow(deps));
  app.post("/admin/editions/:id/retry", action, retryFailedNow(deps));
  app.post("/admin/partners/:slug/pull", action, pullPartnerNow(deps));
  app.post("/admin/subscribers/import", cookies, ...sessionAction(deps.adminSession, [multipartBody()]), importUploadNow(deps));
  app.post("/admin/partners/:slug/keys", action, issueKeyNow(deps));
  app.post("/admin/partners/:slug/keys/:prefix/revoke", action, revokeKeyNow(deps));
  app.use("/admin", adminErrorPage(deps));
}

/** One count of wrong keys per client, whichever door they are tried at (API, dashboard, sign-in, metrics). */
function adminKeyThrottle(deps: AppDeps) {
  const { adminApiKey, metricsToken } = deps.config;
  return adminThrottle(deps.adminThrottle ?? { ...ADMIN_THROTTLE, store: deps.subscribeLimit.store }, {
    validKey: (key) => sameSecret(key, adminApiKey) || (metricsToken !== undefined && sameSecret(key, metricsToken)),
    hasSession: (req) => hasSession(req, deps.adminSession),
    onLimited: adminThrottled(deps),
  });
}
