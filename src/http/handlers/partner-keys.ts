// Admin API: partner keys for /partner/feeds/… (issue, revoke, list with requests per day).
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { slugSchema } from "#src/slug.js";
import { parseOrThrow } from "#src/validate.js";

export const slugParam = z.object({ slug: slugSchema });
export const prefixParam = z.object({ slug: slugSchema, prefix: z.string().regex(/^[0-9a-f]{10}$/, { message: "must be a key prefix (10 hex digits)" }) });

export function issuePartnerKey(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    const { slug } = parseOrThrow(slugParam, req.params, "partner key");
    const issued = await deps.partnerKeys.issue(slug);
    res.status(201).setHeader("Cache-Control", "no-store").json(issued);
  };
}

export function revokePartnerKey(deps: AppDeps): RequestHandler<{ slug: string; prefix: string }> {
  return async (req, res) => {
    const { slug, prefix } = parseOrThrow(prefixParam, req.params, "partner key");
    await deps.partnerKeys.revoke(slug, prefix);
    res.status(204).end();
  };
}

export function listPartnerKeys(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    const { slug } = parseOrThrow(slugParam, req.params, "partner key");
    await deps.feedTraffic.flush();
    res.json({ keys: await deps.partnerKeys.list(slug) });
  };
}
