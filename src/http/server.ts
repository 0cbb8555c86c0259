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

export function listen(
  handler: http.RequestListener,
  options: { port: number; host: string; fastPaths?: FastPath[] },
): Promise<RunningServer> {
  const fastPaths = options.fastPaths ?? [];
  const server = http.createServer((req, res) => {
    for (const fast of fastPaths) if (fast(req, res)) return;
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
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
