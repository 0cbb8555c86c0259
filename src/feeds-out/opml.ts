// Categories → one OPML 2.0 document listing every category's RSS feed, plus the all-stories
// feed, for importing them into a reader at once. Pure: the site and the categories are passed in.
import { createHash } from "node:crypto";
import type { Category } from "#src/model.js";
import type { FeedSite } from "#src/feeds-out/build.js";
import { xmlSafe } from "#src/feeds-out/clean.js";
import { feedRef, feedUrl } from "#src/feeds-out/urls.js";
import { escapeXml } from "#src/feeds-out/xml.js";

/** The de-facto OPML media type, which readers and `<link rel="outline">` expect (none is registered). */
export const OPML_MEDIA_TYPE = "text/x-opml";

export interface RenderedOpml {
  body: Buffer;
  contentType: string;
  /** Quoted strong ETag of the body. */
  etag: string;
  /** HTTP date of the newest category change (the epoch when there is none), and the same in whole seconds. */
  lastModified: string;
  lastModifiedSeconds: number;
}

interface Outline {
  text: string;
  description: string;
  xmlUrl: string;
  htmlUrl: string;
}

/** The category's place on the site: its entry on the home page (the site has no category pages). */
function categoryPageUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/#category-${slug}`;
}

export function renderOpml(site: Pick<FeedSite, "baseUrl" | "publisherName" | "language">, categories: readonly Category[]): RenderedOpml {
  const newest = categories.reduce((max, c) => Math.max(max, Date.parse(c.updatedAt) || 0), 0);
  const seconds = Math.floor(newest / 1000);
  const modified = new Date(seconds * 1000).toUTCString();
  const all: Outline = {
    text: `${site.publisherName}: all stories`,
    description: "Every category, newest first",
    xmlUrl: feedUrl(site.baseUrl, "public", feedRef("all", null), "rss"),
    htmlUrl: `${site.baseUrl}/`,
  };
  const outlines = [
    all,
    ...categories.map((c) => ({
      text: `${site.publisherName}: ${c.name}`,
      description: c.description,
      xmlUrl: feedUrl(site.baseUrl, "public", feedRef("category", c.slug), "rss"),
      htmlUrl: categoryPageUrl(site.baseUrl, c.slug),
    })),
  ];
  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    "  <head>",
    `    <title>${escapeXml(xmlSafe(`${site.publisherName} feeds`))}</title>`,
    `    <dateModified>${modified}</dateModified>`,
    `    <ownerName>${escapeXml(xmlSafe(site.publisherName))}</ownerName>`,
    "    <docs>http://opml.org/spec2.opml</docs>",
    "  </head>",
    "  <body>",
    ...outlines.map((o) => `    ${outline(o, site.language)}`),
    "  </body>",
    "</opml>",
    "",
  ].join("\n");
  const body = Buffer.from(xml, "utf8");
  return {
    body,
    contentType: `${OPML_MEDIA_TYPE}; charset=utf-8`,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`,
    lastModified: modified,
    lastModifiedSeconds: seconds,
  };
}

function outline(o: Outline, language: string): string {
  const attributes: Array<[string, string]> = [
    ["type", "rss"],
    // OPML 2.0: "RSS" for RSS 0.91, 0.92 and 2.0.
    ["version", "RSS"],
    ["text", o.text],
    ["title", o.text],
    ...(o.description ? ([["description", o.description]] as Array<[string, string]>) : []),
    ["xmlUrl", o.xmlUrl],
    ["htmlUrl", o.htmlUrl],
    ["language", language],
  ];
  return `<outline${attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join("")}/>`;
}

/** Plain text as an attribute value: line breaks and tabs as character references, which XML would otherwise turn into spaces. */
function escapeAttribute(text: string): string {
  return escapeXml(xmlSafe(text)).replaceAll("\t", "&#9;").replaceAll("\n", "&#10;").replaceAll("\r", "&#13;");
}
