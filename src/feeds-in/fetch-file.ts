// Feeds delivered as files (the demo partner, partners who drop a file): file: URLs inside one folder.
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodeFeed } from "#src/feeds-in/charset.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import type { FetchLimits, FetchRequest, FetchResult } from "#src/feeds-in/fetch.js";

export async function fetchFile(request: FetchRequest, limits: FetchLimits): Promise<FetchResult> {
  const file = fileURLToPath(request.url);
  const root = path.resolve(limits.fileRoot) + path.sep;
  if (!path.resolve(file).startsWith(root)) throw new PartnerPullError("fetch", `file URLs must point inside PARTNERS_DIR (${limits.fileRoot})`);
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    throw new PartnerPullError("fetch", `cannot read ${path.basename(file)}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, { cause: error });
  }
  const lastModified = info.mtime.toUTCString();
  if (request.lastModified === lastModified) return { status: "not_modified", maxAgeSeconds: undefined };
  if (info.size > limits.maxBytes) throw new PartnerPullError("fetch", `file larger than the ${limits.maxBytes} byte limit`);
  const handle = await open(file);
  try {
    const bytes = Buffer.alloc(info.size);
    await handle.read(bytes, 0, info.size, 0);
    const linkBase = limits.publicBase ? `${limits.publicBase().replace(/\/+$/, "")}/` : undefined;
    return { status: "ok", text: decodeFeed(bytes, null), finalUrl: request.url, linkBase, etag: null, lastModified, maxAgeSeconds: undefined, bytes: info.size };
  } finally {
    await handle.close();
  }
}
