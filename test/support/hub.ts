// A WebSub hub stub on 127.0.0.1 that records publish pings; it can fail the first N of them.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HubStub {
  url: string;
  /** Every ping received, in order, with the status it was answered with. */
  pings: Array<{ mode: string | null; url: string | null; status: number }>;
  close(): Promise<void>;
}

export async function startHub(options: { failFirst?: number } = {}): Promise<HubStub> {
  let toFail = options.failFirst ?? 0;
  const pings: HubStub["pings"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const status = toFail > 0 ? 503 : 204;
      if (toFail > 0) toFail -= 1;
      pings.push({ mode: form.get("hub.mode"), url: form.get("hub.url"), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
    pings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL on 127.0.0.1 where nothing listens. */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hub`;
}
