// Feeds delivered as files (the demo partner, partners who drop a file): file: URLs inside one folder.
// The validator is a hash of the content (and of the origin its links resolve against), not the
// mtime: a file rewritten within the same second (or with its mtime kept) still reads as changed.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodeFeed } from "#src/feeds-in/charset.js";
import { PartnerPullError } from "#src/feeds-in/errors.js";
import type { FetchLimits, FetchRequest, FetchResult } from "#src/feeds-in/fetch-types.js";

export async function fetchFile(request: FetchRequest, limits: FetchLimits): Promise<FetchResult> {
  const file = fileURLToPath(request.url);
  const root = path.resolve(limits.fileRoot) + path.sep;
  if (!path.resolve(file).startsWith(root)) throw new PartnerPullError("fetch", `file URLs must point inside PARTNERS_DIR (${limits.fileRoot})`);
  const { bytes, mtime } = await readFeedFile(file, limits.maxBytes);
  const linkBase = limits.publicBase ? `${limits.publicBase().replace(/\/+$/, "")}/` : undefined;
  // The links resolve against linkBase: a new public origin reads the file again, like a new file.
  const etag = `"sha256-${createHash("sha256")
    .update(`${linkBase ?? ""}\n`)
    .update(bytes)
    .digest("base64url")}"`;
  if (request.etag === etag) return { status: "not_modified", maxAgeSeconds: undefined };
  const lastModified = mtime.toUTCString();
  return {
    status: "ok",
    text: decodeFeed(bytes, null),
    contentType: null,
    finalUrl: request.url,
    linkBase,
    etag,
    lastModified,
    maxAgeSeconds: undefined,
    bytes: bytes.length,
  };
}

async function readFeedFile(file: string, maxBytes: number): Promise<{ bytes: Buffer; mtime: Date }> {
  try {
    const handle = await open(file);
    try {
      const info = await handle.stat();
      if (info.size > maxBytes) throw new PartnerPullError("fetch", `file larger than the ${maxBytes} byte limit`);
      const bytes = Buffer.alloc(info.size);
      const { bytesRead } = await handle.read(bytes, 0, info.size, 0);
      return { bytes: bytes.subarray(0, bytesRead), mtime: info.mtime };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof PartnerPullError) throw error;
    throw new PartnerPullError("fetch", `cannot read ${path.basename(file)}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, { cause: error });
  }
}
