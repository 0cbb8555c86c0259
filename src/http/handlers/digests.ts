// Editions, previews, "view in browser" and bounce reports.
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { parseOrThrow } from "#src/validate.js";
import { tokenPage } from "#src/http/handlers/subscription.js";
import { timezoneSchema } from "#src/subscribers/input.js";
import { frequencySchema } from "#src/validate.js";

const frequency = frequencySchema;
export const editionSchema = z.object({ frequency });

export function startEdition(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const input = parseOrThrow(editionSchema, req.body ?? {}, "edition");
    const id = await deps.digest.startEdition(input.frequency);
    res.status(202).location(`/api/editions/${id}`).json({ id });
  };
}

export function listEditions(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    res.json(await deps.digest.editions(100));
  };
}

export const editionId = z.object({ id: z.coerce.number().int().positive({ message: "must be an edition id" }) });

export function getEdition(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { id } = parseOrThrow(editionId, req.params, "edition");
    const { failures, ...edition } = await deps.digest.editionDetails(id);
    res.json({ ...edition, failures: failures.map((f) => ({ email: f.email, attempts: f.attempts, error: f.lastError, at: f.updatedAt })) });
  };
}

export function retryEdition(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { id } = parseOrThrow(editionId, req.params, "edition");
    res.status(202).json({ id, requeued: await deps.digest.retryFailed(id) });
  };
}

export const bySubscriber = z.object({ subscriber: z.string().min(3) });
export const byChoices = z.object({
  categories: z
    .string()
    .min(1)
    .transform((v) =>
      v
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  frequency: frequency.default("daily"),
  timezone: timezoneSchema.default("UTC"),
});

/** One shape or the other, checked apart so that each bad field is named (a union names none). */
function previewQuery(query: Record<string, unknown>) {
  return typeof query.subscriber === "string" ? parseOrThrow(bySubscriber, query, "preview") : parseOrThrow(byChoices, query, "preview");
}

export function previewDigest(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = previewQuery(req.query);
    const rendered = await deps.digest.previewFor("subscriber" in query ? { subscriberEmail: query.subscriber } : query);
    res.set("X-Digest-Subject", encodeURIComponent(rendered.view.subject)).type("html").send(rendered.html);
  };
}

export const viewQuery = z.object({ edition: z.coerce.number().int().positive({ message: "must be an edition id" }), token: z.string().min(10) });

/** "View in browser": the page carries fresh preferences and unsubscribe links, so the token must be current. */
export function viewDelivered(deps: AppDeps): RequestHandler {
  return tokenPage(deps, async (req, res) => {
    const query = parseOrThrow(viewQuery, req.query, "digest");
    // The check /preferences makes: signature, purpose, and the subscription's current token version.
    const subscriber = await deps.subscribers.preferences(query.token);
    res.type("html").send(await deps.digest.viewDelivered(query.edition, subscriber.id));
  });
}

export const bounceSchema = z.object({
  events: z
    .array(
      z.object({
        email: z.string().min(3),
        type: z.enum(["bounce", "complaint", "unsubscribe"], { message: 'must be "bounce", "complaint" or "unsubscribe"' }),
        permanent: z.boolean().default(true),
        detail: z.string().max(1000).optional(),
        id: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .meta({ description: "The provider's id of the report: a report with an id already recorded is not applied again" }),
        messageId: z.string().max(998).optional().meta({ description: "Message-ID of the digest the report is about" }),
      }),
    )
    .min(1)
    .max(10_000),
});

export function reportBounces(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { events } = parseOrThrow(bounceSchema, req.body, "bounces");
    res.json({ results: await deps.bounces.record(events) });
  };
}
