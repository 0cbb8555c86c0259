// A real HTTP server on 127.0.0.1 that serves fixture feeds and every kind of hostile answer.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { PROJECT_ROOT } from "#src/paths.js";

export const FIXTURES = path.join(PROJECT_ROOT, "test/fixtures/partners");

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FeedServer {
  url: string;
  /** Every request seen, with the headers it carried. */
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path: pathname, headers: req.headers });
    const handler = routes.get(pathname);
    if (handler) handler(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    route: (p, handler) => void routes.set(p, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves a body with optional headers; ETag/Last-Modified validators answer 304 when they match. */
export function serve(
  body: Buffer | string,
  options: { type?: string; etag?: string; lastModified?: string; headers?: Record<string, string>; status?: number; gzip?: "gzip" | "br" | "deflate" } = {},
): Route {
  return (req, res) => {
    const headers: Record<string, string> = { "content-type": options.type ?? "application/rss+xml; charset=utf-8", ...options.headers };
    if (options.etag) headers.etag = options.etag;
    if (options.lastModified) headers["last-modified"] = options.lastModified;
    if (
      (options.etag && req.headers["if-none-match"] === options.etag) ||
      (options.lastModified && req.headers["if-modified-since"] === options.lastModified)
    ) {
      res.writeHead(304, headers).end();
      return;
    }
    let bytes = typeof body === "string" ? Buffer.from(body) : body;
    if (options.gzip === "gzip") bytes = zlib.gzipSync(bytes);
    if (options.gzip === "br") bytes = zlib.brotliCompressSync(bytes);
    if (options.gzip === "deflate") bytes = zlib.deflateSync(bytes);
    if (options.gzip) headers["content-encoding"] = options.gzip;
    res.writeHead(options.status ?? 200, headers).end(bytes);
  };
}

/** An RSS 2.0 feed of the given items (title, guid, link, description, pubDate). */
export function rss(items: Array<{ guid: string; title: string; description?: string; link?: string; pubDate?: string }>): string {
  const entries = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><guid isPermaLink="false">${i.guid}</guid>` +
        `<link>${i.link ?? `https://partner.example/${i.guid}`}</link>` +
        `<description>${i.description ?? `Text of ${i.title}.`}</description>` +
        `<pubDate>${i.pubDate ?? "Tue, 24 Nov 2026 09:00:00 GMT"}</pubDate></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Generated</title><link>https://partner.example/</link>${entries}</channel></rss>`;
}
