// GET /articles/{slug}: the article as an HTML page (where every story link in feeds and digests lands).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RequestHandler, Response } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { articleView } from "#src/http/article-view.js";
import { PUBLIC_DIR } from "#src/paths.js";

/** Short, so an edit shows within a minute; the ETag makes each revalidation a cheap 304. */
const CACHE_CONTROL = "public, max-age=60";

export function articlePage(deps: AppDeps): RequestHandler<{ slug: string }> {
  const stylesheets = [versioned("article.css")];
  const site = { baseUrl: deps.config.baseUrl, publisherName: deps.config.publisherName, language: deps.config.language };
  return async (req, res) => {
    const { article, category, partner } = await deps.articlePages.get(req.params.slug);
    const html = deps.pages.render("article", { ...articleView({ article, category, partner, site, stylesheets }), bodyClass: "article-page" });
    res.setHeader("ETag", `"${createHash("sha256").update(html).digest("base64url")}"`);
    res.setHeader("Cache-Control", CACHE_CONTROL);
    allowImagesFromAnywhere(res);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.status(200).type("html").send(html);
  };
}

/** Lead images and body images live wherever the newsroom or the partner hosts them. */
function allowImagesFromAnywhere(res: Response): void {
  const policy = res.getHeader("Content-Security-Policy");
  if (typeof policy === "string") res.setHeader("Content-Security-Policy", policy.replace(/img-src [^;]*/, "img-src 'self' data: https: http:"));
}

/** "/static/article.css?v=…": /static is cached for a day, so a changed file gets a new URL. */
function versioned(file: string): string {
  const hash = createHash("sha256")
    .update(readFileSync(path.join(PUBLIC_DIR, file)))
    .digest("base64url")
    .slice(0, 10);
  return `/static/${file}?v=${hash}`;
}
