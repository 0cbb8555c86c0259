// GET /articles/{slug}: the article as an HTML page (where every story link in feeds and digests lands).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { articleView } from "#src/http/article-view.js";
import { PUBLIC_DIR } from "#src/paths.js";
import { allowImagesFromAnywhere } from "#src/http/csp.js";
import { sendConditional } from "#src/http/conditional.js";

export function articlePage(deps: AppDeps): RequestHandler<{ slug: string }> {
  const stylesheets = [versioned("article.css")];
  const site = { baseUrl: deps.config.baseUrl, publisherName: deps.config.publisherName, language: deps.config.language };
  return async (req, res) => {
    const { article, category, partner, bodyParts, related } = await deps.articlePages.get(req.params.slug);
    const view = articleView({ article, category, partner, site, stylesheets, bodyParts, related });
    const html = deps.pages.render("article", { ...view, bodyClass: "article-page" });
    allowImagesFromAnywhere(res);
    // The ETag hashes the whole page, related stories included: when they change, so does the ETag.
    sendConditional(req, res, html, "html");
  };
}

/** "/static/article.css?v=…": /static is cached for a day, so a changed file gets a new URL. */
function versioned(file: string): string {
  const hash = createHash("sha256")
    .update(readFileSync(path.join(PUBLIC_DIR, file)))
    .digest("base64url")
    .slice(0, 10);
  return `/static/${file}?v=${hash}`;
}
