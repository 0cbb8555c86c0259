// Request bodies are parsed only on the routes that take one, after the admin key is checked where
// one is needed, each with a limit fitted to what the route takes. Parsing is the costly part of a
// request that anyone can send (megabytes of nested "[" hold the event loop for most of a second).
import { pipeline, Readable, Transform } from "node:stream";
import express, { type Request, type RequestHandler } from "express";
import { PayloadTooLargeError, ValidationError } from "#src/errors.js";

/** The largest body each kind of route reads (body-parser sizes: "1mb" = 1 MiB). */
export const BODY_LIMITS = {
  /** An article, body HTML included (up to 2,000,000 characters, escaped in JSON). */
  article: "8mb",
  /** Lists: engagement events (10,000 a call), subscriber imports (5,000), bounce reports (10,000), provider webhooks' batches. */
  bulk: "4mb",
  /** One mail provider's webhook (Mailgun, Postmark, an SNS message of at most 256 KiB); SendGrid's batches are bulk. */
  webhook: "1mb",
  /** One admin object: a category, a partner, an edition. */
  object: "100kb",
  /** Page forms (subscribe, preferences, sign-in, dashboard actions) and their JSON twins. */
  form: "16kb",
} as const;

export type BodyKind = keyof typeof BODY_LIMITS;

/** A JSON body of this kind (other content types are left unread). */
export function jsonBody(kind: BodyKind): RequestHandler {
  return express.json({ limit: BODY_LIMITS[kind] });
}

/**
 * The raw bytes of a body of this kind, whatever its content type: signatures cover the bytes as sent
 * (SNS posts JSON as text/plain). `req.body` is a Buffer (empty when there is no body).
 */
export function rawBody(kind: BodyKind): RequestHandler {
  return express.raw({ type: () => true, limit: BODY_LIMITS[kind] });
}

/** What a page form posts: urlencoded, or the same fields as JSON. */
export function formBody(): RequestHandler[] {
  return [express.json({ limit: BODY_LIMITS.form }), express.urlencoded({ extended: false, limit: BODY_LIMITS.form, parameterLimit: 200 })];
}

/** "1 MB", "16 kB": a body-parser limit in bytes, as the 413 answer names it. */
export function sizeName(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}

/**
 * A text/csv subscriber import is read as it streams, never held whole, so its limit bounds the
 * work of one request rather than memory: about a million Mailchimp-style rows.
 */
export const CSV_IMPORT_LIMIT = 256 * 1024 * 1024;

/** The request body as a stream that fails with 413 past `limit` bytes (before reading, when Content-Length says so). */
export function limitedBody(req: Request, limit: number): Readable {
  const tooLarge = () => new PayloadTooLargeError(`request body is too large (at most ${sizeName(limit)})`);
  if (Number(req.headers["content-length"]) > limit) throw tooLarge();
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? tooLarge() : null, chunk);
    },
  });
  return pipeline(req, counter, () => {});
}

/** A list uploaded from the dashboard's form: held whole while its multipart body is read, so smaller. */
export const UPLOAD_LIMIT = 32 * 1024 * 1024;

/**
 * A multipart/form-data form (a file input needs it, and works without JavaScript): its text fields
 * become req.body (so the CSRF check reads them as from any form), its files go to res.locals.files.
 * Parsed by the platform's own Request.formData.
 */
export function multipartBody(limit = UPLOAD_LIMIT): RequestHandler {
  return async (req, res, next) => {
    if (!req.is("multipart/form-data")) return next();
    const body = Readable.toWeb(limitedBody(req, limit)) as ReadableStream<Uint8Array>;
    const form = await new Request("http://form.invalid/", {
      method: "POST",
      headers: { "content-type": req.headers["content-type"]! },
      body,
      duplex: "half",
    } as RequestInit)
      .formData()
      .catch((error: unknown) => {
        throw error instanceof PayloadTooLargeError ? error : new ValidationError("form: not a readable multipart/form-data body", { form: "unreadable" });
      });
    const fields: Record<string, string> = {};
    const files: Record<string, File> = {};
    for (const [name, value] of form) {
      if (typeof value === "string") fields[name] = value;
      else files[name] = value;
    }
    req.body = fields;
    res.locals.files = files;
    next();
  };
}
