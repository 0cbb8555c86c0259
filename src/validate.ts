// Turns a zod failure into a ValidationError that names each bad field.
import { z } from "zod";
import { FREQUENCIES } from "#src/model.js";
import { ValidationError } from "#src/errors.js";

/** A digest frequency in input: "daily" or "weekly". */
export const frequencySchema = z.enum(FREQUENCIES, { message: 'must be "daily" or "weekly"' });

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(`${what}: invalid input`, fieldsOf(result.error));
}

export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    if (fields[key]) continue;
    fields[key] = issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message;
  }
  return fields;
}
