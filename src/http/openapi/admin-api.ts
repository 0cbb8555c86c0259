// The admin API (/api/…): bearer admin key, JSON in and out.
import { z } from "zod";
import { arrayOf, ref, schemaOf, type PathDoc, type SchemaRef } from "#src/http/openapi/operation.js";
import { articleInputSchema } from "#src/articles/input.js";
import { emailSchema } from "#src/subscribers/input.js";
import { MAX_IMPORT } from "#src/subscribers/admin.js";
import { categorySchema } from "#src/http/handlers/categories.js";
import { engagementSchema } from "#src/http/handlers/articles.js";
import { bounceSchema, editionId, editionSchema } from "#src/http/handlers/digests.js";
import { csvImportQuery, subscriberListQuery } from "#src/http/handlers/subscribers.js";
import { CSV_IMPORT_LIMIT, sizeName } from "#src/http/bodies.js";
import { MAX_REPORTED_ERRORS } from "#src/subscribers/csv-import.js";
import { EXPORT_COLUMNS } from "#src/subscribers/csv-export.js";
import { prefixParam, slugParam } from "#src/http/handlers/partner-keys.js";
import { feedStatsQuery } from "#src/http/handlers/feed-stats.js";
import {
  editionDetailShape,
  feedStatsShape,
  csvImportReportShape,
  importReportShape,
  issuedKeyShape,
  keyListShape,
  partnerDetailShape,
  partnerPullShape,
} from "#src/http/openapi/shapes.js";

const subscriberEmail = z.object({ email: emailSchema });
const importList = {
  type: "object",
  properties: { subscribers: { type: "array", items: ref("SubscriberImport"), minItems: 1, maxItems: MAX_IMPORT } },
  required: ["subscribers"],
};
const ok = (description: string, json: SchemaRef) => ({ description, json });
const saved = (what: string) => ({ 200: ok(`The ${what}, updated`, capital(what)), 201: ok(`The ${what}, created`, capital(what)) });
const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);
const noContent = { description: "Done; no body" };

const articles: PathDoc[] = [
  [
    "post",
    "/api/articles",
    {
      summary: "Create or update an article by slug",
      description: "The body HTML is sanitized; other text fields are plain text, stored as sent.",
      tag: "articles",
      access: "admin",
      body: { schema: "ArticleInput", kind: "article" },
      responses: saved("article"),
      errors: [404],
    },
  ],
  [
    "get",
    "/api/articles/{slug}",
    {
      summary: "An article, with its source and engagement totals",
      tag: "articles",
      access: "admin",
      path: slugParam,
      responses: { 200: ok("The article", "Article") },
      errors: [404],
    },
  ],
  [
    "patch",
    "/api/articles/{slug}",
    {
      summary: "Change some fields of an article",
      tag: "articles",
      access: "admin",
      path: slugParam,
      body: { schema: articleInputSchema.partial(), kind: "article" },
      responses: { 200: ok("The article after the change", "Article") },
      errors: [404],
    },
  ],
  [
    "delete",
    "/api/articles/{slug}",
    { summary: "Delete an article", tag: "articles", access: "admin", path: slugParam, responses: { 204: noContent }, errors: [404] },
  ],
  [
    "post",
    "/api/engagement",
    {
      summary: "Add view, share and comment counts per article and day",
      tag: "articles",
      access: "admin",
      body: { schema: engagementSchema, kind: "bulk" },
      responses: { 200: ok("How many events were added", z.object({ added: z.number().int() })) },
    },
  ],
  [
    "post",
    "/api/categories",
    {
      summary: "Create or update a category by slug",
      tag: "categories",
      access: "admin",
      body: { schema: categorySchema, kind: "object" },
      responses: saved("category"),
    },
  ],
];

const partners: PathDoc[] = [
  [
    "get",
    "/api/partners",
    { summary: "Partners, each with the health of its pulls", tag: "partners", access: "admin", responses: { 200: ok("The partners", arrayOf("Partner")) } },
  ],
  [
    "post",
    "/api/partners",
    {
      summary: "Create or update a partner by slug",
      tag: "partners",
      access: "admin",
      body: { schema: "PartnerInput", kind: "object" },
      responses: saved("partner"),
    },
  ],
  [
    "get",
    "/api/partners/{slug}",
    {
      summary: "A partner, with its health and the items its last pull skipped",
      tag: "partners",
      access: "admin",
      path: slugParam,
      responses: { 200: ok("The partner", partnerDetailShape) },
      errors: [404],
    },
  ],
  [
    "post",
    "/api/partners/{slug}/pull",
    {
      summary: "Pull a partner's feed now; answers once the pull has finished",
      tag: "partners",
      access: "admin",
      path: slugParam,
      responses: { 200: ok("The partner with its health after the pull, and what the pull did", partnerPullShape) },
      errors: [404],
    },
  ],
  [
    "post",
    "/api/partners/{slug}/keys",
    {
      summary: "Issue a partner key for /partner/feeds/…",
      tag: "partners",
      access: "admin",
      path: slugParam,
      responses: { 201: ok("The key, shown this once", issuedKeyShape) },
      errors: [404],
    },
  ],
  [
    "get",
    "/api/partners/{slug}/keys",
    {
      summary: "A partner's keys by prefix, with requests per day",
      tag: "partners",
      access: "admin",
      path: slugParam,
      responses: { 200: ok("The keys (never the keys themselves)", keyListShape) },
      errors: [404],
    },
  ],
  [
    "delete",
    "/api/partners/{slug}/keys/{prefix}",
    { summary: "Revoke a partner key", tag: "partners", access: "admin", path: prefixParam, responses: { 204: noContent }, errors: [404] },
  ],
  [
    "get",
    "/api/feeds/stats",
    {
      summary: "Feed requests and 304 answers per path and day",
      tag: "feeds",
      access: "admin",
      query: feedStatsQuery,
      responses: { 200: ok("Traffic since the first day counted", feedStatsShape) },
    },
  ],
];

const subscribers: PathDoc[] = [
  [
    "get",
    "/api/subscribers",
    {
      summary: "Counts by status and a page of subscribers",
      tag: "subscribers",
      access: "admin",
      query: subscriberListQuery,
      responses: { 200: ok("One page", "SubscriberPage") },
    },
  ],
  [
    "post",
    "/api/subscribers",
    {
      summary: 'Import one subscriber, or a list (`{"subscribers": […]}`); sends no email',
      description: "`confirmed: true` needs a `consentSource`. A list answers 200 with a report, entry by entry; 400 when no entry could be imported.",
      tag: "subscribers",
      access: "admin",
      body: { schema: { anyOf: [ref("SubscriberImport"), importList] }, kind: "bulk" },
      responses: {
        200: ok("The subscriber, updated; or the import report of a list", { anyOf: [ref("Subscriber"), schemaOf(importReportShape, "output")] }),
        201: ok("The subscriber, created", "Subscriber"),
      },
    },
  ],
  [
    "post",
    "/api/subscribers/import",
    {
      summary: "Import a list as CSV (Mailchimp, listmonk, a spreadsheet) or as JSON; sends no email",
      description:
        "A `text/csv` body is read as it streams, with a header row; columns are matched by name, case-insensitively " +
        "(email or Email Address; categories, groups, lists or tags; frequency; timezone; send hour; consent date, " +
        "OPTIN_TIME, CONFIRM_TIME or created_at; consent source; status). Rows are written in batches, one transaction " +
        "each. An opt-out in the file is applied; an address that has opted out is never made active again. The report " +
        `counts rows and lists the first ${MAX_REPORTED_ERRORS} bad ones by the line they start on. A JSON body works as ` +
        "`POST /api/subscribers` does.",
      tag: "subscribers",
      access: "admin",
      query: csvImportQuery,
      body: {
        schema: { anyOf: [ref("SubscriberImport"), importList] },
        kind: "bulk",
        other: { "text/csv": { schema: { type: "string" }, limit: sizeName(CSV_IMPORT_LIMIT) } },
      },
      responses: {
        200: ok("The import report (for a JSON list, as `POST /api/subscribers` answers)", {
          anyOf: [schemaOf(csvImportReportShape, "output"), schemaOf(importReportShape, "output"), ref("Subscriber")],
        }),
        201: ok("The subscriber, created (a JSON body of one subscriber)", "Subscriber"),
      },
    },
  ],
  [
    "get",
    "/api/subscribers.csv",
    {
      summary: "Export every subscriber as CSV, streamed",
      description:
        `Columns: ${EXPORT_COLUMNS.join(", ")}. A cell that starts with =, +, -, @, a tab or a carriage return gets a ` +
        "leading apostrophe so that spreadsheets show it as text; the import takes it off again.",
      tag: "subscribers",
      access: "admin",
      responses: {
        200: {
          description: "The list, one row per subscriber, in the order they came",
          content: { "text/csv": { type: "string" } },
          headers: { "Content-Disposition": { description: 'attachment; filename="subscribers.csv"', schema: { type: "string" } } },
        },
      },
    },
  ],
  [
    "get",
    "/api/subscribers/{email}",
    {
      summary: "Export what is stored about one address",
      tag: "subscribers",
      access: "admin",
      path: subscriberEmail,
      responses: { 200: ok("The subscriber", "Subscriber") },
      errors: [404],
    },
  ],
  [
    "delete",
    "/api/subscribers/{email}",
    {
      summary: "Erase an address and all that is stored about it",
      tag: "subscribers",
      access: "admin",
      path: subscriberEmail,
      responses: { 204: noContent },
      errors: [404],
    },
  ],
];

const editions: PathDoc[] = [
  [
    "get",
    "/api/editions",
    {
      summary: "The latest editions with their counts",
      tag: "editions",
      access: "admin",
      responses: { 200: ok("The editions, newest first", arrayOf("Edition")) },
    },
  ],
  [
    "post",
    "/api/editions",
    {
      summary: "Build and send an edition now to every active subscriber of that frequency",
      tag: "editions",
      access: "admin",
      body: { schema: editionSchema, kind: "object" },
      responses: {
        202: {
          description: "Started",
          json: z.object({ id: z.number().int() }),
          headers: { Location: { description: "/api/editions/{id}", schema: { type: "string" } } },
        },
      },
    },
  ],
  [
    "get",
    "/api/editions/{id}",
    {
      summary: "An edition: status, counts (pending, sent, skipped, failed) and failures",
      tag: "editions",
      access: "admin",
      path: editionId,
      responses: { 200: ok("The edition", editionDetailShape) },
      errors: [404],
    },
  ],
  [
    "post",
    "/api/editions/{id}/retry",
    {
      summary: "Send the failed deliveries of an edition again",
      tag: "editions",
      access: "admin",
      path: editionId,
      responses: { 202: ok("How many deliveries were queued again", z.object({ id: z.number().int(), requeued: z.number().int() })) },
      errors: [404],
    },
  ],
  [
    "post",
    "/api/bounces",
    {
      summary: "Bounce and complaint reports from a mail provider",
      tag: "editions",
      access: "admin",
      body: { schema: bounceSchema, kind: "bulk" },
      responses: { 200: ok("What became of each address", z.object({ results: z.array(z.object({ email: z.string(), status: z.string() })) })) },
    },
  ],
];

export const ADMIN_API: PathDoc[] = [...articles, ...partners, ...subscribers, ...editions];
