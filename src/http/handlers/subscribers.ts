// Admin API: subscribers (import, counts and list, export, erase; a whole list in and out as CSV).
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import { ValidationError } from "#src/errors.js";
import { parseOrThrow } from "#src/validate.js";
import { exportOf } from "#src/subscribers/admin.js";
import { CSV_IMPORT_LIMIT, limitedBody } from "#src/http/bodies.js";
import { csrfToken } from "#src/http/csrf.js";
import { importReportView } from "#src/admin/subscribers.js";

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

const flag = z.enum(["true", "false", "1", "0", ""], { message: 'must be "true" or "false"' }).transform((v) => v === "true" || v === "1");

export const csvImportQuery = z.object({
  dryRun: flag.default(false),
  categories: z
    .string()
    .max(2000)
    .default("")
    .transform((v) =>
      v
        .split(/[,;|]/)
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  consentSource: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1).max(500).default("csv import")),
});

/**
 * A text/csv body: the list read as it streams, answered with the import report (400 when the file
 * itself breaks off). Other bodies go on to the JSON import.
 */
export function importCsv(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    if (!req.is("text/csv")) return next();
    const options = parseOrThrow(csvImportQuery, req.query, "query");
    const report = await deps.subscribers.importCsv(limitedBody(req, CSV_IMPORT_LIMIT), options);
    if (report.stoppedAt) res.status(400).json({ error: `${report.stoppedAt.error} (line ${report.stoppedAt.line}); the rows before it were read`, ...report });
    else res.json(report);
  };
}

/** Every subscriber as CSV, streamed (cells that a spreadsheet would run as formulas are guarded). */
export function exportCsv(deps: AppDeps): RequestHandler {
  return (_req, res) => {
    res.type("text/csv; charset=utf-8").set("content-disposition", 'attachment; filename="subscribers.csv"');
    // A failure part-way can only cut the answer short: its status has gone.
    pipeline(deps.subscribers.exportCsv(), res, (error) => {
      if (error) deps.logger.error({ err: error }, "subscribers: csv export failed");
    });
  };
}

/** The dashboard's upload form (multipart: a file input): the same import, its report as a page. */
export function importUploadNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const file = (res.locals.files as Record<string, File> | undefined)?.file;
    if (!file || !file.size) throw new ValidationError("subscriber: choose a CSV file to import", { file: "required" });
    const fields = req.body as Record<string, string>;
    const options = parseOrThrow(csvImportQuery, { ...fields, dryRun: fields.dryRun ?? "false" }, "import");
    const report = await deps.subscribers.importCsv(Readable.fromWeb(file.stream() as WebReadableStream), options);
    const view = importReportView(report);
    res
      .status(report.stoppedAt ? 400 : 200)
      .set("Cache-Control", "no-store")
      .type("html")
      .send(deps.pages.render("admin/import-report", { title: view.heading, admin: true, csrf: csrfToken(req, res), file: file.name, ...view }));
  };
}
