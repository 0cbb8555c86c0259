import type { RequestHandler } from "express";
import type { AppDeps, HealthReport } from "#src/http/deps.js";
import { redactSecrets } from "#src/redact.js";

export function health(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const report = await deps.health();
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? "ok" : "unavailable", ...redactedChecks(report.checks) });
  };
}

/** A driver's error may quote the connection URL it failed with, password included. */
function redactedChecks(checks: HealthReport["checks"]): HealthReport["checks"] {
  return Object.fromEntries(
    Object.entries(checks).map(([name, check]) => [name, check.detail === undefined ? check : { ...check, detail: redactSecrets(check.detail) }]),
  );
}
