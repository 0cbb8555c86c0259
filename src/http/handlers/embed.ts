// GET /embed/related/{slug}: an article's related stories as a small HTML block for other sites: a
// fragment for a server-side include, or (?frame=1) a whole page for an iframe. No script; the
// styles are inside the block and every selector starts with its own class. Only this path may be
// framed by other origins.
import { readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import type { RequestHandler, Response } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { allowImagesFromAnywhere, setCspDirective } from "#src/http/csp.js";
import { sendConditional } from "#src/http/conditional.js";
import { parseOrThrow } from "#src/validate.js";
import { allowAnyOrigin, relatedFor, relatedQuery } from "#src/http/handlers/related.js";
import { storyView } from "#src/http/article-view.js";

const EMBED_COUNT = 4;

export const embedQuery = relatedQuery.extend({
  frame: z
    .enum(["0", "1"], { message: 'must be "1" (a whole page for an iframe) or "0" (a fragment)' })
    .optional()
    .meta({ description: "1: a whole HTML page for an iframe; absent or 0: a fragment for a server-side include" }),
});

export function embedRelated(deps: AppDeps): RequestHandler {
  const template = Handlebars.create().compile(readFileSync(path.join(TEMPLATES_DIR, "embed", "related.hbs"), "utf8"));
  const { publisherName, language } = deps.config;
  return async (req, res) => {
    allowFraming(res);
    const { frame } = parseOrThrow(embedQuery, req.query, "embed");
    // One list: the closest related stories first, then the category's top stories.
    const stories = await relatedFor(deps, req.params, req.query, (limit) => ({ readAlso: 0, youMayAlsoLike: limit ?? EMBED_COUNT }));
    const list = stories.youMayAlsoLike.map((s) => storyView(s, language));
    const html = template({ frame: frame === "1", publisherName, language, home: `${deps.config.baseUrl}/`, stories: list });
    sendConditional(req, res, html, "html");
  };
}

/** Any site may show this path in a frame (elsewhere helmet keeps frame-ancestors 'self' and X-Frame-Options). */
function allowFraming(res: Response): void {
  setCspDirective(res, "frame-ancestors", "*");
  allowImagesFromAnywhere(res);
  res.removeHeader("X-Frame-Options");
  allowAnyOrigin(res);
}
