// Bounce and complaint webhooks from mail providers: the raw body goes to the webhook service, which
// checks the signature (401 otherwise) and applies the reports. Unknown addresses get the same answer.
import type { Request, RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";
import { SENDGRID_SIGNATURE, SENDGRID_TIMESTAMP } from "#src/webhooks/sendgrid.js";

/** The bytes as sent (rawBody in http/bodies.ts); an empty Buffer when there was no body. */
const rawOf = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

export function mailgunWebhook(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    res.json(await deps.webhooks.mailgun(rawOf(req)));
  };
}

export function postmarkWebhook(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    res.json(await deps.webhooks.postmark(req.headers.authorization, rawOf(req)));
  };
}

export function sendgridWebhook(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    res.json(await deps.webhooks.sendgrid({ signature: req.get(SENDGRID_SIGNATURE), timestamp: req.get(SENDGRID_TIMESTAMP), raw: rawOf(req) }));
  };
}

export function sesWebhook(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    res.json(await deps.webhooks.ses(rawOf(req)));
  };
}
