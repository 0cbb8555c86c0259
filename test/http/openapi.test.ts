// GET /api/openapi.json: a valid OpenAPI 3.1 document that covers exactly the routes the app answers,
// and whose response schemas match what the app really sends.
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import type { OpenAPIV3_1 } from "openapi-types";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { FEED_PREFIXES } from "#src/http/openapi/feeds.js";

type Document = OpenAPIV3_1.Document;

// Ajv 8 with the JSON Schema 2020-12 dialect OpenAPI 3.1 uses; formats (date-time, uri, email) checked too.
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default import is the plugin itself.
(formats as unknown as typeof formats.default)(ajv);

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** "GET /api/articles/{slug}" for every operation of the document. */
function documentedOperations(doc: Document): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.filter((m) => item?.[m]).map((m) => `${m.toUpperCase()} ${path}`));
}

/** A request to the app as JSON, with the admin key or without. */
function send(app: TestApp, path: string, init: RequestInit & { json?: unknown }, admin = false): Promise<Response> {
  if (admin) return app.admin(path, init);
  const { json, ...rest } = init;
  return fetch(`${app.url}${path}`, json === undefined ? rest : { ...rest, headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
}

const isFeedPath = (operation: string) => FEED_PREFIXES.some((prefix) => operation.split(" ")[1]!.startsWith(prefix));

describe("the OpenAPI document", () => {
  const app = useTestApp("sqlite");
  let doc: Document;
  let resolved: Document;

  beforeAll(async () => {
    for (const category of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: category });
    expect((await app.admin("/api/articles", { method: "POST", json: article({ slug: "documented", category: "world", tags: ["iraq"] }) })).status).toBe(201);
    const response = await fetch(`${app.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await response.json()) as Document;
    resolved = (await SwaggerParser.dereference(structuredClone(doc))) as Document;
  });

  it("is valid OpenAPI 3.1, served without a key", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    expect(doc.servers?.[0]?.url).toBe(app.baseUrl);
  });

  it("documents every route the app answers, and no route it does not", () => {
    const registered = new Set(app.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    expect(registered.size).toBeGreaterThan(30);
    const documented = documentedOperations(doc);
    expect([...registered].filter((op) => !documented.includes(op))).toEqual([]);
    // Feeds are answered before express (the lean path): the next test requests them instead.
    expect(documented.filter((op) => !isFeedPath(op) && !registered.has(op))).toEqual([]);
  });

  it("documents feed paths that answer: public ones openly, partner ones with a key", async () => {
    const feeds = documentedOperations(doc).filter(isFeedPath);
    expect(feeds).toHaveLength(6);
    await app.admin("/api/partners", { method: "POST", json: { slug: "reader", name: "A reader" } });
    const { key } = (await (await app.admin("/api/partners/reader/keys", { method: "POST" })).json()) as { key: string };
    const validate = ajv.compile(resolved.components!.schemas!.JsonFeed!);
    const sample: Record<string, string> = { "{feed}": "world", "{tag}": "iraq", "{author}": "jane-doe", "{format}": "json" };
    for (const operation of feeds) {
      const url = operation.split(" ")[1]!.replace(/\{\w+\}/g, (name) => sample[name]!);
      const partner = url.startsWith("/partner/");
      expect([url, (await fetch(`${app.url}${url}`)).status]).toEqual([url, partner ? 401 : 200]);
      const response = await fetch(`${app.url}${url}${partner ? `?key=${key}` : ""}`);
      expect([url, response.status]).toEqual([url, 200]);
      expect(validate(await response.json()), `${url}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it.each([
    { call: "GET /categories", status: 200, init: {} },
    { call: "GET /healthz", status: 200, init: {} },
    { call: "GET /feeds/{feed}.{format}", url: "/feeds/world.json", status: 200, media: "application/feed+json", init: {} },
    { call: "GET /api/articles/{slug}", url: "/api/articles/documented", status: 200, init: {}, admin: true },
    { call: "GET /api/articles/{slug}", url: "/api/articles/no-such-story", status: 404, init: {}, admin: true },
    { call: "POST /api/categories", status: 400, init: { method: "POST", json: { slug: "Not A Slug" } }, admin: true },
    { call: "POST /api/categories", status: 413, init: { method: "POST", json: { slug: "big", name: "Big", description: "x".repeat(200_000) } }, admin: true },
    { call: "POST /api/categories", status: 401, init: { method: "POST" } },
    {
      call: "POST /api/subscribers",
      status: 201,
      init: { method: "POST", json: { email: "Ann@Example.com", categories: ["world"], confirmed: true, consentSource: "old list" } },
      admin: true,
    },
    { call: "GET /api/subscribers", status: 200, init: {}, admin: true },
    { call: "GET /api/subscribers/{email}", url: "/api/subscribers/Ann@example.com", status: 200, init: {}, admin: true },
    { call: "POST /api/partners", status: 201, init: { method: "POST", json: { slug: "wire", name: "The Wire" } }, admin: true },
    { call: "GET /api/partners", status: 200, init: {}, admin: true },
    { call: "POST /api/partners/{slug}/keys", url: "/api/partners/wire/keys", status: 201, init: { method: "POST" }, admin: true },
    { call: "GET /api/partners/{slug}/keys", url: "/api/partners/wire/keys", status: 200, init: {}, admin: true },
    { call: "POST /api/editions", status: 202, init: { method: "POST", json: { frequency: "daily" } }, admin: true },
    { call: "GET /api/editions", status: 200, init: {}, admin: true },
    { call: "GET /api/editions/{id}", url: "/api/editions/1", status: 200, init: {}, admin: true },
    { call: "GET /api/partners/{slug}", url: "/api/partners/wire", status: 200, init: {}, admin: true },
    { call: "GET /api/feeds/stats", status: 200, init: {}, admin: true },
    { call: "POST /subscribe", status: 202, init: { method: "POST", json: { email: "reader@example.com", categories: ["world"] } } },
  ])("answers $call with $status as the document says", async ({ call, url, status, media, init, admin }) => {
    const [method, path] = call.split(" ") as [string, string];
    const response = await send(app, url ?? path, { method, ...init }, admin);
    expect(response.status).toBe(status);
    const operation = (resolved.paths![path] as Record<string, OpenAPIV3_1.OperationObject>)[method.toLowerCase()]!;
    const answer = operation.responses![String(status)] as OpenAPIV3_1.ResponseObject;
    const schema = answer.content![media ?? "application/json"]!.schema!;
    const validate = ajv.compile(schema);
    const body: unknown = await response.json();
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });
});
