// One API operation, described with the zod schemas its handler validates with, turned into OpenAPI.
import { z } from "zod";
import { BODY_LIMITS, type BodyKind } from "#src/http/bodies.js";
import { jsonSchema, parametersOf, type JsonSchema, type Parameter } from "#src/http/openapi/schema.js";

/** A schema: a zod schema (converted), the name of one in components.schemas, or JSON Schema as is. */
export type SchemaRef = z.ZodType | string | JsonSchema;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const arrayOf = (name: string): JsonSchema => ({ type: "array", items: ref(name) });

export interface ResponseSpec {
  description: string;
  json?: SchemaRef;
  /** Other media types and their schema ({} = any body). */
  content?: Record<string, JsonSchema>;
  headers?: Record<string, { description: string; schema?: JsonSchema }>;
}

type Access = "public" | "admin" | "session" | "metrics" | "partner";

export interface OperationSpec {
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  path?: z.ZodObject;
  query?: z.ZodObject;
  parameters?: Parameter[];
  /** A JSON body (read up to the limit of its kind), or a page form that also takes the same fields as JSON. */
  body?: {
    schema: SchemaRef;
    kind: BodyKind;
    form?: boolean;
    required?: boolean;
    /** Other media types the body may come as (a text/csv list), each with its schema and size limit. */
    other?: Record<string, { schema: JsonSchema; limit: string }>;
    /** Only the `other` media types: no JSON or form encoding of `schema`. */
    otherOnly?: boolean;
  };
  responses: Record<number, ResponseSpec | string>;
  /** Error answers beyond those that follow from access, parameters and body (404, 409, …). */
  errors?: number[];
}

type Method = "get" | "post" | "put" | "patch" | "delete" | "options";
/** One documented operation: [method, OpenAPI path ("/api/articles/{slug}"), what it is]. */
export type PathDoc = [Method, string, OperationSpec];

/** The shared error answers, by status (components.responses). */
export const ERROR_RESPONSES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  503: "Unavailable",
};

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  admin: [{ adminKey: [] }, { adminSession: [] }],
  session: [{ adminSession: [] }],
  metrics: [{ metricsToken: [] }, { adminKey: [] }, {}],
  partner: [{ partnerKey: [] }, { partnerKeyQuery: [] }],
};

export function schemaOf(schema: SchemaRef, io: "input" | "output"): JsonSchema {
  if (typeof schema === "string") return ref(schema);
  return schema instanceof z.ZodType ? jsonSchema(schema, io) : schema;
}

function response(spec: ResponseSpec | string) {
  if (typeof spec === "string") return { $ref: `#/components/responses/${spec}` };
  const content = { ...(spec.json ? { "application/json": { schema: schemaOf(spec.json, "output") } } : {}), ...mediaTypes(spec.content) };
  return {
    description: spec.description,
    ...(Object.keys(content).length ? { content } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
  };
}

const mediaTypes = (content: Record<string, JsonSchema> = {}) => Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));

/** The error statuses an operation can answer whatever its handler does. */
function impliedErrors(spec: OperationSpec): number[] {
  const errors = [...(spec.errors ?? [])];
  if (spec.access === "admin" || spec.access === "metrics") errors.push(401, 429);
  if (spec.access === "partner") errors.push(401, 403);
  if (spec.body || spec.query || spec.path) errors.push(400);
  if (spec.body) errors.push(413);
  return errors;
}

function requestBody(body: NonNullable<OperationSpec["body"]>) {
  const schema = schemaOf(body.schema, "input");
  const types = body.otherOnly ? [] : body.form ? ["application/x-www-form-urlencoded", "application/json"] : ["application/json"];
  const other = Object.entries(body.other ?? {});
  const limits = [...(types.length ? [`At most ${sizeOf(BODY_LIMITS[body.kind])}`] : []), ...other.map(([type, { limit }]) => `as ${type}, at most ${limit}`)];
  return {
    required: body.required ?? true,
    description: `${limits.join("; ").replace(/^a/, "A")}.`,
    content: Object.fromEntries([...types.map((type) => [type, { schema }]), ...other.map(([type, { schema }]) => [type, { schema }])]),
  };
}

/** "100kb" → "100 kB", "8mb" → "8 MB". */
const sizeOf = (limit: string) => limit.replace(/^(\d+)(k|m)b$/, (_, n: string, unit: string) => `${n} ${unit === "k" ? "kB" : "MB"}`);

export function operationObject(spec: OperationSpec) {
  const parameters = [
    ...(spec.path ? parametersOf(spec.path, "path") : []),
    ...(spec.query ? parametersOf(spec.query, "query") : []),
    ...(spec.parameters ?? []),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(spec.responses)) responses[status] = response(answer);
  for (const status of impliedErrors(spec)) if (!responses[status]) responses[status] = response(ERROR_RESPONSES[status] ?? "Error");
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: SECURITY[spec.access],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: requestBody(spec.body) } : {}),
    responses,
  };
}
