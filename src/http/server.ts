// Listening and graceful shutdown: stop accepting, let requests in flight finish, then close.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A handler that may answer a request before express sees it (the lean feed path); false = not mine. */
export type FastPath = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface RunningServer {
  server: http.Server;
  port: number;
  close(timeoutMs: number): Promise<void>;
}

/** How long a client may take to send a request; none of them limits the time to answer it. */
export interface ServerTimeouts {
  /** From a request's first byte to the end of its headers. */
  headersMs: number;
  /** From a request's first byte to the end of its body: a body that never ends is cut off here. */
  requestMs: number;
  /** How long an idle keep-alive connection stays open: above the 60 s idle timeout of common load balancers. */
  keepAliveMs: number;
}

/** Fitted to the service: the largest body (an admin import) takes seconds; Node's own default is 300 s. */
export const SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 15_000, requestMs: 30_000, keepAliveMs: 65_000 };

/** Each fast path in turn, then the handler for what none of them answered. */
export function withFastPaths(fastPaths: FastPath[], handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    for (const fast of fastPaths) if (fast(req, res)) return;
    handler(req, res);
  };
}

/**
 * A listener for a server that listens before its app exists (the public origin is known only once
 * PORT=0 has picked a port, and the app is built with it): 503 until `serve` hands it the app, once.
 */
export function createLateListener() {
  let serving: http.RequestListener | undefined;
  return {
    listener: ((req, res) => (serving ? serving(req, res) : res.writeHead(503).end())) as http.RequestListener,
    serve(handler: http.RequestListener): void {
      serving ??= handler;
    },
  };
}

export function listen(
  handler: http.RequestListener,
  options: { port: number; host: string; fastPaths?: FastPath[]; timeouts?: Partial<ServerTimeouts> },
): Promise<RunningServer> {
  const fastPaths = options.fastPaths ?? [];
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the two timeouts above on this interval (30 s by default, which would double them).
      connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(timeouts.headersMs / 3))),
    },
    withFastPaths(fastPaths, handler),
  );
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({ server, port: (server.address() as AddressInfo).port, close: (ms) => closeGracefully(server, ms) });
    });
  });
}

function closeGracefully(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
