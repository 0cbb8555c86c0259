// GET /favicon.ico: browsers ask for it on every site; a real icon, cached for a week.
import path from "node:path";
import type { RequestHandler } from "express";
import { PUBLIC_DIR } from "#src/paths.js";

const ICON = path.join(PUBLIC_DIR, "favicon.ico");

export function favicon(): RequestHandler {
  return (_req, res, next) => {
    res.sendFile(ICON, { maxAge: "7d" }, (error) => error && next(error));
  };
}
