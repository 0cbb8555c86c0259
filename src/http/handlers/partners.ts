// Admin API: partners we pull (syndication in), their health, and a pull now.
import type { RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";

export function listPartners(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    res.json(await deps.partners.list());
  };
}

export function savePartner(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { partner, created } = await deps.partners.save(req.body);
    res.status(created ? 201 : 200).json(partner);
  };
}

export function getPartner(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    const partner = await deps.partners.get(req.params.slug);
    res.json({ ...partner, skipped: await deps.partners.skipped(partner.slug) });
  };
}

export function pullPartner(deps: AppDeps): RequestHandler<{ slug: string }> {
  return async (req, res) => {
    const { partner, pull } = await deps.partners.pullNow(req.params.slug);
    res.json({ ...partner, pull });
  };
}
