// The feeds: answered before express by the lean path (http/feeds-fast.ts), so not in its router;
// and the OPML list of them, an express route.
import { z } from "zod";
import type { OperationSpec, PathDoc } from "#src/http/openapi/operation.js";
import type { Parameter } from "#src/http/openapi/schema.js";
import { jsonSchema } from "#src/http/openapi/schema.js";
import { slugSchema } from "#src/slug.js";
import { FEED_FORMATS, FEED_MEDIA_TYPES } from "#src/feeds-out/types.js";
import { OPML_MEDIA_TYPE } from "#src/feeds-out/opml.js";

/** The path prefixes the lean path answers: every other documented path is an express route. */
export const FEED_PREFIXES = ["/feeds/", "/partner/feeds/"] as const;

const slug = jsonSchema(slugSchema);
const pathParameter = (name: string, description: string): Parameter => ({ name, in: "path", required: true, schema: slug, description });
const FORMAT: Parameter = {
  name: "format",
  in: "path",
  required: true,
  schema: { type: "string", enum: [...FEED_FORMATS] },
  description: "rss (RSS 2.0), atom (Atom 1.0) or json (JSON Feed 1.1)",
};
const PAGE: Parameter = {
  name: "page",
  in: "query",
  required: false,
  schema: jsonSchema(z.int().min(1).max(999_999).default(1)),
  description: "Older items: page 2 and on (RFC 5005 paging links in the feed)",
};
const conditional: Parameter[] = [
  { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, description: "An ETag from an earlier answer" },
  { name: "If-Modified-Since", in: "header", required: false, schema: { type: "string" }, description: "A Last-Modified from an earlier answer" },
];
const validators = {
  ETag: { description: "Strong validator of this representation", schema: { type: "string" } },
  "Last-Modified": { description: "When the newest item in the feed changed", schema: { type: "string" } },
};

const KINDS = [
  { path: "{feed}", parameter: pathParameter("feed", "A category slug, or `all` for every category"), what: "A category's feed (or all of them)" },
  { path: "tags/{tag}", parameter: pathParameter("tag", "A tag's slug"), what: "A tag's feed" },
  { path: "authors/{author}", parameter: pathParameter("author", "An author's slug"), what: "An author's feed" },
];

function feedOperation(what: string, parameter: Parameter, partner: boolean): OperationSpec {
  return {
    summary: partner ? `${what}, full content, for partners` : `${what}, newest first, summaries`,
    tag: "feeds",
    access: partner ? "partner" : "public",
    parameters: [parameter, FORMAT, PAGE, ...conditional],
    responses: {
      200: {
        description: "The feed",
        headers: validators,
        content: {
          [FEED_MEDIA_TYPES.rss]: { type: "string" },
          [FEED_MEDIA_TYPES.atom]: { type: "string" },
          [FEED_MEDIA_TYPES.json]: { $ref: "#/components/schemas/JsonFeed" },
        },
      },
      304: { description: "Not modified: the If-None-Match or If-Modified-Since matches; no body", headers: validators },
    },
    errors: [400, 404],
  };
}

const opmlValidators = { ETag: validators.ETag, "Last-Modified": { description: "When a category last changed", schema: { type: "string" } } };
const OPML: PathDoc = [
  "get",
  "/feeds.opml",
  {
    summary: "Every category's RSS feed, and the all-stories feed, as one OPML 2.0 list to import into a reader",
    tag: "feeds",
    access: "public",
    parameters: conditional,
    responses: {
      200: { description: "The OPML document", headers: opmlValidators, content: { [OPML_MEDIA_TYPE]: { type: "string" } } },
      304: { description: "Not modified: the If-None-Match or If-Modified-Since matches; no body", headers: opmlValidators },
    },
  },
];

export const FEED_PATHS: PathDoc[] = [
  ...FEED_PREFIXES.flatMap((prefix) =>
    KINDS.map(({ path, parameter, what }): PathDoc => ["get", `${prefix}${path}.{format}`, feedOperation(what, parameter, prefix.startsWith("/partner"))]),
  ),
  OPML,
];
