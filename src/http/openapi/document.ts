// The OpenAPI 3.1 document of Dispatch's HTTP interface, served at GET /api/openapi.json.
import { articleInputSchema } from "#src/articles/input.js";
import { apiPartnerSchema } from "#src/feeds-in/definition.js";
import { importSchema } from "#src/subscribers/input.js";
import { ADMIN_API } from "#src/http/openapi/admin-api.js";
import { PUBLIC_PATHS } from "#src/http/openapi/public.js";
import { FEED_PATHS } from "#src/http/openapi/feeds.js";
import { ERROR_RESPONSES, operationObject, type PathDoc } from "#src/http/openapi/operation.js";
import { jsonSchema } from "#src/http/openapi/schema.js";
import * as shapes from "#src/http/openapi/shapes.js";

/** Every documented operation, as [method, OpenAPI path, description]. */
const PATH_DOCS: PathDoc[] = [...PUBLIC_PATHS, ...ADMIN_API, ...FEED_PATHS];

const ERROR_WORDS: Record<number, string> = {
  400: "Invalid input: `fields` names each bad field",
  401: "No valid key",
  403: "Refused: a revoked partner key, or an expired form",
  404: "Not found",
  409: "Conflict with the current state",
  413: "Request body too large (the limit is in `error`)",
  429: "Too many requests: try again after Retry-After seconds",
  503: "A backing service is down",
};

function errorResponses() {
  const error = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  const headers = (status: number) =>
    status === 429
      ? { "Retry-After": { description: "Seconds until the next try can succeed", schema: { type: "integer" } } }
      : status === 401
        ? { "WWW-Authenticate": { description: "Bearer", schema: { type: "string" } } }
        : undefined;
  return Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, name]) => [
      name,
      { description: ERROR_WORDS[Number(status)], content: error, ...(headers(Number(status)) ? { headers: headers(Number(status)) } : {}) },
    ]),
  );
}

function schemas() {
  const out = (schema: Parameters<typeof jsonSchema>[0]) => jsonSchema(schema, "output");
  return {
    Error: out(shapes.errorShape),
    Category: out(shapes.categoryShape),
    Article: out(shapes.articleShape),
    ArticleInput: jsonSchema(articleInputSchema),
    Partner: out(shapes.partnerShape),
    PartnerInput: jsonSchema(apiPartnerSchema),
    Subscriber: out(shapes.subscriberShape),
    SubscriberImport: jsonSchema(importSchema),
    SubscriberPage: out(shapes.subscriberPageShape),
    Edition: out(shapes.editionShape),
    Health: out(shapes.healthShape),
    JsonFeed: out(shapes.jsonFeedShape),
  };
}

const SECURITY_SCHEMES = {
  adminKey: { type: "http", scheme: "bearer", description: "`Authorization: Bearer ADMIN_API_KEY`" },
  adminSession: { type: "apiKey", in: "cookie", name: "dispatch_admin", description: "The operators' dashboard session, set by POST /admin/login" },
  partnerKey: { type: "http", scheme: "bearer", description: "A partner key (POST /api/partners/{slug}/keys): `Authorization: Bearer KEY`" },
  partnerKeyQuery: { type: "apiKey", in: "query", name: "key", description: "The same partner key as `?key=KEY`, for readers that cannot set headers" },
  metricsToken: { type: "http", scheme: "bearer", description: "`Authorization: Bearer METRICS_TOKEN`" },
};

/** The version of the interface this document describes. */
const API_VERSION = "0.1.0";

export function buildOpenApiDocument(baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, spec] of PATH_DOCS) (paths[path] ??= {})[method] = operationObject(spec);
  return {
    openapi: "3.1.1",
    info: {
      title: "Dispatch",
      version: API_VERSION,
      description: 'Feeds out (RSS, Atom, JSON Feed), partner feeds in, email digests. Errors are JSON: `{"error": "…", "fields": {…}}`.',
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: baseUrl }],
    tags: [
      "public",
      "feeds",
      "articles",
      "categories",
      "partners",
      "subscribers",
      "editions",
      "subscriber pages",
      "pages",
      "webhooks",
      "dashboard",
      "operations",
    ].map((name) => ({ name })),
    paths,
    components: { schemas: schemas(), responses: errorResponses(), securitySchemes: SECURITY_SCHEMES },
  };
}
