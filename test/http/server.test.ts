// The listening server cuts off clients that never finish sending, and only those.
import net from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, SERVER_TIMEOUTS, type RunningServer } from "#src/http/server.js";

/** Reads the whole body, then answers after `delayMs` (a slow handler, not a slow client). */
const echo = (delayMs: number) => (req: IncomingMessage, res: ServerResponse) => {
  let size = 0;
  req.on("data", (chunk: Buffer) => (size += chunk.length));
  req.on("end", () => setTimeout(() => res.end(`got ${size}`), delayMs));
};

/** Opens a socket, writes `data`, and resolves with what came back and when the server closed it. */
function rawRequest(port: number, data: string, giveUpMs = 5000): Promise<{ received: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = "";
    const socket = net.connect(port, "127.0.0.1", () => socket.write(data));
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedAfterMs: null });
    }, giveUpMs);
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
  });
}

describe("the HTTP server's timeouts", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await listen(echo(900), { port: 0, host: "127.0.0.1", timeouts: { headersMs: 300, requestMs: 500 } });
  });
  afterAll(() => server.close(1000));

  it("closes a connection whose body never ends, with 408", async () => {
    const { received, closedAfterMs } = await rawRequest(
      server.port,
      "POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[[[[",
    );
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(400);
    expect(closedAfterMs!).toBeLessThan(2000);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a connection whose headers never end", async () => {
    const { closedAfterMs } = await rawRequest(server.port, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(2000);
  });

  it("gives a slow answer to a complete request all the time it needs", async () => {
    const { received } = await rawRequest(server.port, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/got 5$/);
  });

  it("uses timeouts fitted to the service unless told otherwise", async () => {
    const plain = await listen(echo(0), { port: 0, host: "127.0.0.1" });
    try {
      expect(SERVER_TIMEOUTS).toEqual({ headersMs: 15_000, requestMs: 30_000, keepAliveMs: 65_000 });
      expect({ headers: plain.server.headersTimeout, request: plain.server.requestTimeout, keepAlive: plain.server.keepAliveTimeout }).toEqual({
        headers: 15_000,
        request: 30_000,
        keepAlive: 65_000,
      });
    } finally {
      await plain.close(1000);
    }
  });
});
