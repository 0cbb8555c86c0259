// WebSub callbacks: where partners' hubs verify our subscriptions and push their feeds to us.
import express, { type RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { NotFoundError } from "#src/errors.js";

export const callbackPath = z.object({ id: z.string().meta({ description: "The subscription's callback id (unguessable, one per subscription)" }) });

/** Verification of intent (or a denial): the challenge echoed as text/plain, 404 for what we did not ask. */
export function verifyCallback(deps: AppDeps): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const challenge = await deps.partners.websub.verify(req.params.id, req.query as Record<string, unknown>);
    if (challenge === null) throw new NotFoundError("no pending subscription or unsubscription with this callback and topic");
    res.status(200).type("text/plain").send(challenge);
  };
}

/**
 * A push body, read raw (the signature covers the bytes) up to the partner pull's own limit
 * (PARTNER_MAX_BYTES, counted after decompression): beyond it, 413 with the limit named.
 */
export function pushBody(deps: AppDeps): RequestHandler {
  return express.raw({ type: () => true, limit: deps.partners.maxBytes });
}

/** Content distribution: 202 at once (ingested only when signed with the subscription's secret), 410 for a subscription we do not hold. */
export function receivePush(deps: AppDeps): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await deps.partners.websub.receive(req.params.id, body, req.get("x-hub-signature"), req.get("content-type") ?? null);
    if (outcome === "gone") {
      res.status(410).json({ error: "no such subscription" });
      return;
    }
    res.status(202).end();
  };
}
