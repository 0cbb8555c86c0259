// zod schemas → JSON Schema 2020-12 (the dialect of OpenAPI 3.1), and OpenAPI parameters from them.
import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

/** What a client sends ("input": before defaults and coercion) or what it gets back ("output"). */
export function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  // A refine or transform has no JSON Schema form: the check is left out, the shape stays.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
  return rest;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

/** One parameter per field of an object schema (path parameters are always required). */
export function parametersOf(schema: z.ZodObject, where: "path" | "query"): Parameter[] {
  const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}
