// A WebSub hub on 127.0.0.1 (the hub side of the W3C Recommendation), which also serves the topic:
// it takes subscription requests, verifies intent with a GET and a challenge to the callback, and
// publishes signed content to the verified subscribers.
import http from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface HubSubscription {
  callback: string;
  topic: string;
  secret: string | null;
  leaseSeconds: number;
}

export interface HubEntry {
  id: string;
  title: string;
  /** The entry's date (ISO); the time the document is made when absent. */
  updated?: string;
}

export interface WebsubHub {
  /** The hub's endpoint. */
  url: string;
  /** The topic (an Atom feed that advertises this hub and itself). */
  topic: string;
  /** Every subscription request, in order, with the outcome of its verification. */
  requests: Array<{ mode: string; topic: string; callback: string; verified: boolean | null }>;
  /** Verified subscriptions, by callback. */
  subscribers: Map<string, HubSubscription>;
  /** Replaces the topic's entries (the feed document served at `topic`); `updated` defaults to the time it is served. */
  setEntries(entries: HubEntry[]): void;
  /** The topic document as served now. */
  document(): string;
  /** POSTs a body to each verified subscriber, signed with its secret (or as told); the answers' statuses. */
  publish(body?: string, sign?: { algorithm?: string; secret?: string; signature?: string | null }): Promise<number[]>;
  /** Sends a verification of intent to a callback as the hub would; its status and body. */
  verify(callback: string, query: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** `leaseSeconds`: the lease the hub grants (whatever was asked). */
export async function startWebsubHub(options: { leaseSeconds?: number } = {}): Promise<WebsubHub> {
  let entries: HubEntry[] = [];
  const requests: WebsubHub["requests"] = [];
  const subscribers = new Map<string, HubSubscription>();
  let origin = "";
  const document = () =>
    `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Pushing Partner</title>
  <id>${origin}/topic.xml</id>
  <updated>${new Date().toISOString()}</updated>
  <link rel="hub" href="${origin}/hub"/>
  <link rel="self" href="${origin}/topic.xml"/>
${entries
  .map(
    (e) => `  <entry><id>${e.id}</id><title>${e.title}</title><link href="${origin}/story/${e.id}"/><updated>${e.updated ?? new Date().toISOString()}</updated>
    <content type="html">&lt;p&gt;${e.title}, the full story.&lt;/p&gt;</content></entry>`,
  )
  .join("\n")}
</feed>`;

  const verify = async (callback: string, query: Record<string, string>) => {
    const url = new URL(callback);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  };

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/topic.xml") {
        res.writeHead(200, { "content-type": "application/atom+xml" }).end(document());
        return;
      }
      if (req.method !== "POST" || req.url !== "/hub") return void res.writeHead(404).end();
      const form = new URLSearchParams(body);
      const [mode, topic, callback] = [form.get("hub.mode"), form.get("hub.topic"), form.get("hub.callback")];
      if (!mode || !topic || !callback || !["subscribe", "unsubscribe"].includes(mode))
        return void res.writeHead(400).end("hub.mode, hub.topic and hub.callback are required");
      const request = { mode, topic, callback, verified: null as boolean | null };
      requests.push(request);
      res.writeHead(202).end();
      // Verification of intent, after the 202 (asynchronous, as hubs do).
      const leaseSeconds = options.leaseSeconds ?? Number(form.get("hub.lease_seconds") ?? 864000);
      const challenge = randomBytes(12).toString("hex");
      void verify(callback, { "hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge, "hub.lease_seconds": String(leaseSeconds) })
        .then(({ status, body: echoed }) => {
          request.verified = status >= 200 && status < 300 && echoed === challenge;
          if (!request.verified) return;
          if (mode === "subscribe") subscribers.set(callback, { callback, topic, secret: form.get("hub.secret"), leaseSeconds });
          else subscribers.delete(callback);
        })
        .catch(() => (request.verified = false));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/hub`,
    topic: `${origin}/topic.xml`,
    requests,
    subscribers,
    setEntries: (next) => void (entries = next),
    document,
    async publish(body = document(), sign = {}) {
      const statuses: number[] = [];
      for (const sub of subscribers.values()) {
        const algorithm = sign.algorithm ?? "sha256";
        const signature =
          sign.signature !== undefined
            ? sign.signature
            : `${algorithm}=${createHmac(algorithm, sign.secret ?? sub.secret ?? "")
                .update(body)
                .digest("hex")}`;
        const headers: Record<string, string> = { "content-type": "application/atom+xml", link: `<${origin}/hub>; rel="hub", <${sub.topic}>; rel="self"` };
        if (signature !== null) headers["x-hub-signature"] = signature;
        statuses.push((await fetch(sub.callback, { method: "POST", headers, body })).status);
      }
      return statuses;
    },
    verify,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
