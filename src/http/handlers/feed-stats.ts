// Admin API: feed traffic per path per day (requests and 304s), for the operators' dashboard.
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { parseOrThrow } from "#src/validate.js";

export const feedStatsQuery = z.object({
  days: z.coerce
    .number()
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be between 1 and 366" })
    .max(366, { message: "must be between 1 and 366" })
    .default(7),
});

export function feedStats(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { days } = parseOrThrow(feedStatsQuery, req.query, "feed stats");
    await deps.feedTraffic.flush();
    const since = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    res.json({ since, feeds: await deps.feedTraffic.list(since) });
  };
}
