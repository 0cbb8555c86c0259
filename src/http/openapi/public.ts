// Everything outside the admin API: public JSON, subscriber pages and forms, the operators' dashboard, metrics.
import { z } from "zod";
import type { OperationSpec, PathDoc } from "#src/http/openapi/operation.js";
import { parametersOf, type JsonSchema } from "#src/http/openapi/schema.js";
import { prefixParam, slugParam } from "#src/http/handlers/partner-keys.js";
import { byChoices, bySubscriber, editionId, viewQuery } from "#src/http/handlers/digests.js";
import { choicesSchema, subscribeSchema } from "#src/subscribers/input.js";
import { CSRF_FIELD } from "#src/http/csrf.js";
import { sizeName, UPLOAD_LIMIT } from "#src/http/bodies.js";
import { editionForm, previewForm } from "#src/http/handlers/admin-actions.js";
import { frequencyQuery } from "#src/http/handlers/admin.js";
import { relatedPath, relatedQuery } from "#src/http/handlers/related.js";
import { embedQuery } from "#src/http/handlers/embed.js";
import { archiveFeedPath, archiveIndexQuery, archivePath } from "#src/http/handlers/archive.js";
import { relatedStoriesShape } from "#src/http/openapi/shapes.js";
import { callbackPath } from "#src/http/handlers/websub.js";

const html = (description: string) => ({ description, content: { "text/html": { type: "string" } } });
const token = z.object({ token: z.string().meta({ description: "The signed token from the email's link" }) });
const withCsrf = (schema: z.ZodObject) =>
  schema.extend({ [CSRF_FIELD]: z.string().optional().meta({ description: "The form's CSRF token (page forms only; not with JSON)" }) });
const tokenPage = (summary: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  summary,
  tag: "subscriber pages",
  access: "public",
  query: token,
  responses: {
    200: html("The page"),
    400: html("The link is incomplete, tampered with, expired or replaced: a page that says so"),
    410: html("The link's subscriber is erased: a page that says the link no longer works"),
  },
  ...extra,
});

const publicJson: PathDoc[] = [
  [
    "get",
    "/healthz",
    {
      summary: "The state of the database and the job queue",
      tag: "public",
      access: "public",
      responses: { 200: { description: "Both are up", json: "Health" }, 503: { description: "One is down", json: "Health" } },
    },
  ],
  [
    "get",
    "/categories",
    {
      summary: "Categories with the absolute URLs of their feeds",
      tag: "public",
      access: "public",
      responses: { 200: { description: "The categories", json: { type: "array", items: { $ref: "#/components/schemas/Category" } } } },
    },
  ],
  [
    "get",
    "/api/openapi.json",
    {
      summary: "This document",
      tag: "public",
      access: "public",
      responses: { 200: { description: "OpenAPI 3.1", content: { "application/json": { type: "object" } } } },
    },
  ],
  [
    "post",
    "/subscribe",
    {
      summary: "Subscribe: sends a confirmation email",
      description:
        "The answer is the same whether the address is known or not. JSON gets JSON answers; the page form (urlencoded, with its CSRF token) gets pages: 200 check-your-inbox, 400 the form with each problem beside its field, 403 an expired form.",
      tag: "subscribers",
      access: "public",
      body: { schema: withCsrf(subscribeSchema), kind: "form", form: true },
      responses: {
        202: { description: "Accepted (JSON)", json: z.object({ status: z.literal("accepted"), message: z.string() }) },
        200: html("Check your inbox (form)"),
      },
      errors: [403, 429],
    },
  ],
];

const cors = { "Access-Control-Allow-Origin": { description: "*: any site may read it", schema: { type: "string" } } };
const cached = (description: string) => ({
  ...cors,
  ETag: { description: `Strong: a hash of the ${description}; a matching If-None-Match gets a 304`, schema: { type: "string" } },
  "Cache-Control": { description: "public, max-age=60", schema: { type: "string" } },
});

const related: PathDoc[] = [
  [
    "get",
    "/api/related/{slug}",
    {
      summary: "An article's related stories, for any site (no key, CORS)",
      description:
        '"Read also": the closest related stories (shared tags, category, similar text). "You may also like": more related stories, then the top stories of the article\'s category, then the site\'s; never the article itself, never one twice.',
      tag: "public",
      access: "public",
      path: relatedPath,
      query: relatedQuery,
      responses: {
        200: { description: "The stories", json: relatedStoriesShape, headers: cached("body") },
        304: { description: "Not modified" },
      },
      errors: [404],
    },
  ],
  [
    "options",
    "/api/related/{slug}",
    {
      summary: "CORS preflight for GET /api/related/{slug}",
      tag: "public",
      access: "public",
      path: relatedPath,
      responses: { 204: { description: "Allowed: GET and HEAD from any origin, with If-None-Match", headers: cors } },
    },
  ],
  [
    "get",
    "/embed/related/{slug}",
    {
      summary: "An article's related stories as an HTML block other sites can include or frame",
      description:
        'A fragment (no script; styles inside it, every selector under the class `dispatch-related`) for a server-side include, or with `frame=1` a whole page for an iframe. Links open in the top window (`target="_top"`). Any origin may frame this path.',
      tag: "pages",
      access: "public",
      path: relatedPath,
      query: embedQuery,
      responses: { 200: { ...html("The block, or the page"), headers: cached("HTML") }, 304: { description: "Not modified" }, 404: html("No such article") },
    },
  ],
];

const pages: PathDoc[] = [
  [
    "get",
    "/",
    { summary: "Home: categories with feed autodiscovery links and the subscribe form", tag: "pages", access: "public", responses: { 200: html("The page") } },
  ],
  [
    "get",
    "/articles/{slug}",
    {
      summary: "An article as a page",
      tag: "pages",
      access: "public",
      path: slugParam,
      responses: { 200: html("The page (strong ETag; 304 to a matching If-None-Match)"), 304: { description: "Not modified" }, 404: html("No such article") },
    },
  ],
  [
    "get",
    "/digests/{frequency}/{period}",
    {
      summary: "A sent digest in the public archive: the period's top stories in every category, with related stories, for anyone",
      tag: "pages",
      access: "public",
      path: archivePath,
      responses: {
        200: html("The page (strong ETag; 304 to a matching If-None-Match)"),
        304: { description: "Not modified" },
        400: html("A malformed period: a page that says so"),
        404: html("No digest was sent in that period, or no such frequency"),
      },
    },
  ],
  ...(["/digests", "/digests/{frequency}"] as const).map((route): PathDoc => [
    "get",
    route,
    {
      summary: route === "/digests" ? "The archive's index: every sent digest, newest first" : "The archive's index for one frequency, newest first",
      tag: "pages",
      access: "public",
      ...(route === "/digests" ? {} : { path: archiveFeedPath }),
      query: archiveIndexQuery,
      responses: { 200: html("The page (strong ETag)"), 304: { description: "Not modified" }, 400: html("A bad page number"), 404: html("No such frequency") },
    },
  ]),
  ...(["rss", "atom"] as const).map((format): PathDoc => [
    "get",
    `/digests/{frequency}.${format}`,
    {
      summary: `The archive as ${format === "rss" ? "RSS 2.0" : "Atom 1.0"}: one item per sent digest, linking to its page, its top stories as content`,
      tag: "feeds",
      access: "public",
      path: archiveFeedPath,
      responses: {
        200: { description: "The feed (strong ETag)", content: { [format === "rss" ? "application/rss+xml" : "application/atom+xml"]: { type: "string" } } },
        304: { description: "Not modified" },
        404: html("No such frequency"),
      },
    },
  ]),
  [
    "get",
    "/r/{token}",
    {
      summary: "A digest story link: counts one click for the story and day, then redirects to it",
      description:
        "The token names the story and is signed; it says nothing about the reader. The redirect always goes to the story's own URL. HEAD, prefetches, known link scanners and a repeat from the same client within 10 minutes are not counted.",
      tag: "subscriber pages",
      access: "public",
      path: z.object({ token: z.string().meta({ description: "The signed click token from the digest's link" }) }),
      responses: {
        302: { description: "Found: the story", headers: { Location: { description: "The story's URL", schema: { type: "string" } } } },
        400: html("The link is incomplete or was changed: a page that says so (JSON for API clients), never a redirect"),
        404: html("The story is no longer there (JSON for API clients)"),
      },
    },
  ],
  [
    "get",
    "/favicon.ico",
    { summary: "The site icon", tag: "pages", access: "public", responses: { 200: { description: "The icon", content: { "image/x-icon": {} } } } },
  ],
  ["get", "/confirm", tokenPage("Confirm a subscription (the link in the confirmation email)")],
  ["get", "/preferences", tokenPage("A subscriber's preferences page")],
  [
    "post",
    "/preferences",
    tokenPage("Save a subscriber's preferences", { body: { schema: withCsrf(choicesSchema), kind: "form", form: true }, errors: [403] }),
  ],
  [
    "get",
    "/preferences/data",
    tokenPage("Download my data: the subscriber's record, consent and the digests sent to them, as a JSON file", {
      description: "Answered as an attachment with `Cache-Control: no-store`.",
      responses: {
        200: {
          description: "The data, as `subscriber` (the record with its consent) and `digests` (each with its date and stories)",
          content: { "application/json": { type: "object" } },
          headers: { "Content-Disposition": { description: 'attachment; filename="my-subscription-data.json"', schema: { type: "string" } } },
        },
        400: html("The link is incomplete, tampered with or replaced: a page that says so"),
        410: html("The link's subscriber is erased: a page that says the link no longer works"),
      },
    }),
  ],
  ["get", "/preferences/delete", tokenPage("Delete me: the page that asks to confirm erasing the subscriber and their data")],
  [
    "post",
    "/preferences/delete",
    tokenPage("Delete me, confirmed: erases the subscriber and their data; every link they hold stops working", {
      body: { schema: withCsrf(z.object({})), kind: "form", form: true, required: false },
      errors: [403],
    }),
  ],
  ["get", "/unsubscribe", tokenPage("The unsubscribe page")],
  [
    "post",
    "/unsubscribe",
    tokenPage("Unsubscribe at once (RFC 8058 one-click)", {
      description: "Mailbox providers post `List-Unsubscribe=One-Click` with no cookie; the token is the credential. Repeating it is harmless.",
      body: { schema: z.object({ "List-Unsubscribe": z.literal("One-Click") }), kind: "form", form: true, required: false },
    }),
  ],
  [
    "get",
    "/digest/view",
    {
      summary: "A sent digest in the browser (the link in the email)",
      tag: "subscriber pages",
      access: "public",
      query: viewQuery,
      responses: { 200: html("The digest"), 400: html("A bad link") },
      errors: [404],
    },
  ],
  [
    "get",
    "/digest/preview",
    {
      summary: "The digest as it would be sent, for one subscriber or for a choice of categories",
      description: "Either `subscriber` (an address), or `categories` (comma-separated slugs) with `frequency` and `timezone`.",
      tag: "editions",
      access: "admin",
      parameters: [...parametersOf(bySubscriber, "query"), ...parametersOf(byChoices, "query")].map((p) => ({ ...p, required: false })),
      responses: {
        200: { ...html("The digest"), headers: { "X-Digest-Subject": { description: "Its subject line, URI-encoded", schema: { type: "string" } } } },
      },
      errors: [400, 404],
    },
  ],
];

const seeOther = (where: string) => ({
  303: { description: `See other: ${where}`, headers: { Location: { description: where, schema: { type: "string" } } } },
});
const formAction = { schema: z.object({ [CSRF_FIELD]: z.string() }), kind: "form" as const, form: true };
const dashboardPage = (summary: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  summary,
  tag: "dashboard",
  access: "admin",
  responses: { 200: html("The page"), 401: html("The sign-in form, without a session") },
  ...extra,
});
const dashboardAction = (summary: string, where: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  summary,
  tag: "dashboard",
  access: "session",
  body: formAction,
  responses: seeOther(where),
  errors: [403],
  ...extra,
});

const dashboard: PathDoc[] = [
  [
    "get",
    "/admin/login",
    { summary: "The operators' sign-in page", tag: "dashboard", access: "public", responses: { 200: html("The page"), ...seeOther("/admin, with a session") } },
  ],
  [
    "post",
    "/admin/login",
    {
      summary: "Sign in with the admin key: sets the session cookie",
      tag: "dashboard",
      access: "public",
      body: { schema: withCsrf(z.object({ key: z.string() })), kind: "form", form: true },
      responses: { ...seeOther("/admin"), 401: html("The sign-in page: wrong key"), 403: html("The sign-in page: the form expired") },
      errors: [429],
    },
  ],
  ["post", "/admin/logout", dashboardAction("Sign out: ends the session for good", "/admin/login")],
  ["get", "/admin", dashboardPage("The operators' dashboard: partner health, editions, subscribers, feed traffic")],
  ["get", "/admin/editions/new", dashboardPage("Confirm starting an edition: says to how many subscribers it goes", { query: frequencyQuery })],
  ["get", "/admin/editions/{id}", dashboardPage("An edition's progress", { path: editionId, errors: [404] })],
  [
    "get",
    "/admin/preview",
    dashboardPage("Preview a digest: the form's choices, handed to /digest/preview", { query: previewForm, responses: seeOther("/digest/preview") }),
  ],
  ["post", "/admin/editions", dashboardAction("Start an edition now", "the edition's page", { body: { ...formAction, schema: withCsrf(editionForm) } })],
  ["post", "/admin/editions/{id}/retry", dashboardAction("Send an edition's failed deliveries again", "the edition's page", { path: editionId })],
  ["post", "/admin/partners/{slug}/pull", dashboardAction("Pull a partner now", "/admin", { path: slugParam })],
  [
    "post",
    "/admin/partners/{slug}/keys",
    dashboardAction("Issue a partner key", "", { path: slugParam, responses: { 201: html("The new key, shown this once") } }),
  ],
  [
    "post",
    "/admin/subscribers/import",
    dashboardAction("Import an uploaded CSV list (the subscribers panel's form)", "", {
      description: "The same import as `POST /api/subscribers/import`, from a file input; a dry run unless `dryRun` is false.",
      body: {
        schema: {},
        kind: "form",
        otherOnly: true,
        other: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: {
                [CSRF_FIELD]: { type: "string" },
                file: { type: "string", contentMediaType: "text/csv" },
                categories: { type: "string" },
                consentSource: { type: "string" },
                dryRun: { type: "string", enum: ["true", "false"] },
              },
              required: [CSRF_FIELD, "file"],
            },
            limit: sizeName(UPLOAD_LIMIT),
          },
        },
      },
      responses: { 200: html("The import report"), 400: html("The file could not be read: a page that says why") },
    }),
  ],
  ["post", "/admin/partners/{slug}/keys/{prefix}/revoke", dashboardAction("Revoke a partner key", "/admin", { path: prefixParam })],
];

const webhook = (provider: string, credential: string, body: JsonSchema, more: { kind?: "webhook" | "bulk"; errors?: number[] } = {}): OperationSpec => ({
  summary: `Bounce and complaint reports from ${provider}`,
  description: `${credential} A request without it, with a wrong one, or signed outside the replay window (WEBHOOK_TOLERANCE_SECONDS) gets 401. 404 while the provider's setting is unset. Reports about unknown addresses are accepted and ignored; a report delivered again is applied once.`,
  tag: "webhooks",
  access: "public",
  body: { schema: body, kind: more.kind ?? "webhook" },
  responses: { 200: { description: "How many reports the request carried", json: z.object({ received: z.number().int() }) } },
  errors: [401, 404, ...(more.errors ?? [])],
});
const anyObject: JsonSchema = { type: "object" };

const webhooks: PathDoc[] = [
  [
    "post",
    "/webhooks/mailgun",
    webhook("Mailgun", "Signed: HMAC-SHA256 of `signature.timestamp` + `signature.token` with MAILGUN_WEBHOOK_SIGNING_KEY.", anyObject),
  ],
  ["post", "/webhooks/postmark", webhook("Postmark", "HTTP basic auth with POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD.", anyObject)],
  [
    "post",
    "/webhooks/sendgrid",
    webhook(
      "SendGrid (a batch of events)",
      "Signed: ECDSA P-256 over `X-Twilio-Email-Event-Webhook-Timestamp` + the raw body, in `X-Twilio-Email-Event-Webhook-Signature`, checked with SENDGRID_WEBHOOK_PUBLIC_KEY.",
      { type: "array", items: anyObject },
      { kind: "bulk" },
    ),
  ],
  [
    "post",
    "/webhooks/ses",
    webhook(
      "Amazon SES through SNS (the body is sent as text/plain)",
      "Signed by SNS (SignatureVersion 1 or 2) with the certificate at SigningCertURL, fetched only from SNS_CERT_HOSTS; only the topics in SNS_TOPIC_ARNS. A SubscriptionConfirmation is confirmed by fetching its SubscribeURL (503 when that fails, so that SNS sends it again).",
      anyObject,
      { errors: [503] },
    ),
  ],
];

const websubQuery = z.object({
  "hub.mode": z.enum(["subscribe", "unsubscribe", "denied"]),
  "hub.topic": z.string().meta({ description: "Must be the topic the subscription was made for" }),
  "hub.challenge": z.string().optional().meta({ description: "Echoed back (subscribe and unsubscribe)" }),
  "hub.lease_seconds": z.string().optional().meta({ description: "The lease the hub grants, in seconds" }),
  "hub.reason": z.string().optional().meta({ description: "Why the hub denied the subscription" }),
});

const PUSH_LIMIT = "PARTNER_MAX_BYTES (15 MB by default, the limit of a pull)";

const websubCallbacks: PathDoc[] = [
  [
    "get",
    "/websub/callback/{id}",
    {
      summary: "A partner's hub verifies a subscription (WebSub)",
      description:
        "Echoes hub.challenge only for a subscription Dispatch asked for with exactly this topic (pending, or active and being renewed) or an unsubscription it asked for; a denial is recorded in the partner's health.",
      tag: "webhooks",
      access: "public",
      path: callbackPath,
      query: websubQuery,
      responses: { 200: { description: "The challenge (empty for a denial)", content: { "text/plain": { type: "string" } } } },
      errors: [404],
    },
  ],
  [
    "post",
    "/websub/callback/{id}",
    {
      summary: "A partner's hub pushes its feed (WebSub content distribution)",
      description:
        "Answered 202 at once; a body larger than a pull may be (PARTNER_MAX_BYTES) is answered 413, naming the limit. Only a body whose X-Hub-Signature is `sha256=` or `sha512=` HMAC of the raw body with the subscription's secret is ingested, through the same steps as a pull; a missing, sha1 or wrong signature is recorded on the partner and ignored (still 202, as the spec asks). 410 for a subscription Dispatch does not hold.",
      tag: "webhooks",
      access: "public",
      path: callbackPath,
      body: {
        schema: { type: "string" },
        kind: "bulk",
        // The pull's own limit: a feed Dispatch would read when pulled is read when pushed.
        other: Object.fromEntries(
          ["application/atom+xml", "application/rss+xml", "application/feed+json"].map((type) => [type, { schema: { type: "string" }, limit: PUSH_LIMIT }]),
        ),
        otherOnly: true,
      },
      parameters: [
        { name: "X-Hub-Signature", in: "header", required: false, description: "sha256=… or sha512=… (hex HMAC of the raw body)", schema: { type: "string" } },
      ],
      responses: {
        202: { description: "Received (ingested only when correctly signed)" },
        410: { description: "No such subscription: the hub may end it", json: z.object({ error: z.string() }) },
      },
    },
  ],
];

const metrics: PathDoc[] = [
  [
    "get",
    "/metrics",
    {
      summary: "Prometheus metrics",
      description: "With METRICS_TOKEN set, that token (or the admin key) as a bearer token; unset, the admin key or a direct connection from this machine.",
      tag: "operations",
      access: "metrics",
      responses: { 200: { description: "Prometheus text format", content: { "text/plain": { type: "string" } } } },
    },
  ],
];

export const PUBLIC_PATHS: PathDoc[] = [...publicJson, ...related, ...pages, ...webhooks, ...websubCallbacks, ...dashboard, ...metrics];
