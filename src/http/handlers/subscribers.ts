// Admin API: subscribers (import, counts and list, export, erase).
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { ValidationError } from "#src/errors.js";
import { parseOrThrow } from "#src/validate.js";
import { exportOf } from "#src/subscribers/admin.js";

export const subscriberListQuery = z.object({
  status: z.enum(["pending", "active", "unsubscribed", "suppressed"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export function listSubscribers(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    res.json(await deps.subscribers.list(parseOrThrow(subscriberListQuery, req.query, "query")));
  };
}

/** One subscriber (`{"email", …}`), or a list (`{"subscribers": [{…}, …]}`) with a report. */
export function importSubscriber(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const body = req.body as { subscribers?: unknown } | undefined;
    if (body && typeof body === "object" && "subscribers" in body) {
      if (!Array.isArray(body.subscribers)) throw new ValidationError("subscriber: invalid input", { subscribers: "must be a list of subscribers" });
      const report = await deps.subscribers.importMany(body.subscribers);
      // Nothing imported out of a non-empty list: the request itself was bad.
      const status = report.errors.length && report.errors.length === body.subscribers.length ? 400 : 200;
      res.status(status).json(status === 400 ? { error: "subscriber: no entry could be imported", ...report } : report);
      return;
    }
    const { subscriber, created } = await deps.subscribers.import(req.body);
    res.status(created ? 201 : 200).json(exportOf(subscriber));
  };
}

export function exportSubscriber(deps: AppDeps): RequestHandler<{ email: string }> {
  return async (req, res) => {
    res.json(await deps.subscribers.export(req.params.email));
  };
}

export function eraseSubscriber(deps: AppDeps): RequestHandler<{ email: string }> {
  return async (req, res) => {
    await deps.subscribers.erase(req.params.email);
    res.status(204).end();
  };
}
