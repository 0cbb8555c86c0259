// GET /api/openapi.json: public, built once per process.
import type { RequestHandler } from "express";
import { buildOpenApiDocument } from "#src/http/openapi/document.js";

export function openApiDocument(baseUrl: string): RequestHandler {
  let body: string | undefined;
  return (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument(baseUrl));
    res.type("json").set("Cache-Control", "public, max-age=300").send(body);
  };
}
