// GET /feeds.opml: every category's feed in one OPML document, for importing into a reader.
// Built from the categories on each request (one small query), so it is never stale; ETag and
// Last-Modified let readers and caches revalidate with a 304.
import type { RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { renderOpml } from "#src/feeds-out/opml.js";
import { isNotModified } from "#src/http/feeds-fast.js";

export function feedsOpml(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { baseUrl, publisherName, language, feedMaxAge } = deps.config;
    const opml = renderOpml({ baseUrl, publisherName, language }, await deps.categories.list());
    res.set({ "Cache-Control": `public, max-age=${feedMaxAge}`, ETag: opml.etag, "Last-Modified": opml.lastModified, "Access-Control-Allow-Origin": "*" });
    if (isNotModified(req, opml)) {
      res.status(304).end();
      return;
    }
    res.type(opml.contentType).send(opml.body);
  };
}
