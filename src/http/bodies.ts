// Request bodies are parsed only on the routes that take one, after the admin key is checked where
// one is needed, each with a limit fitted to what the route takes. Parsing is the costly part of a
// request that anyone can send (megabytes of nested "[" hold the event loop for most of a second).
import express, { type RequestHandler } from "express";

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
