import type { RequestHandler } from "express";
import type { AppDeps } from "#src/http/deps.js";

export function health(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const report = await deps.health();
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? "ok" : "unavailable", ...report.checks });
  };
}
