// FeedDocument + format → the bytes and validators served for it. Pure.
import { createHash } from "node:crypto";
import { FEED_MEDIA_TYPES, type FeedDocument, type FeedFormat, type RenderedFeed } from "#src/feeds-out/types.js";
import { renderRss } from "#src/feeds-out/rss.js";
import { renderAtom } from "#src/feeds-out/atom.js";
import { renderJson } from "#src/feeds-out/json.js";

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: `${FEED_MEDIA_TYPES.rss}; charset=utf-8`,
  atom: `${FEED_MEDIA_TYPES.atom}; charset=utf-8`,
  json: `${FEED_MEDIA_TYPES.json}; charset=utf-8`,
};

const RENDERERS: Record<FeedFormat, (doc: FeedDocument) => string> = { rss: renderRss, atom: renderAtom, json: renderJson };

export function renderFeed(doc: FeedDocument, format: FeedFormat): RenderedFeed {
  const body = Buffer.from(RENDERERS[format](doc), "utf8");
  const seconds = Math.floor(doc.updated.getTime() / 1000);
  // W3C WebSub §4: advertise the hub and the topic (self) URL in HTTP Link headers too.
  const link = [doc.hubUrl ? `<${doc.hubUrl}>; rel="hub"` : "", `<${doc.paging.self}>; rel="self"`].filter(Boolean).join(", ");
  return {
    body,
    contentType: CONTENT_TYPES[format],
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`,
    lastModified: new Date(seconds * 1000).toUTCString(),
    lastModifiedSeconds: seconds,
    link,
  };
}
