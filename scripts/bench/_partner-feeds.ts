// Child process for `npm run bench -- partners`: serves N generated RSS feeds of M items on
// 127.0.0.1 with strong ETags (If-None-Match → 304), and prints its URL on stdout.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const [feedsArg, itemsArg] = process.argv.slice(2);
const feeds = Number(feedsArg ?? 500);
const items = Number(itemsArg ?? 50);

function feed(n: number): string {
  const entries = Array.from({ length: items }, (_, i) => {
    const day = String(1 + (i % 28)).padStart(2, "0");
    return (
      `<item><title>Partner ${n} story ${i}: officials meet &amp; talk</title>` +
      `<link>https://partner${n}.example/news/${i}?utm_source=rss</link><guid isPermaLink="false">p${n}-i${i}</guid>` +
      `<pubDate>Mon, ${day} Nov 2026 09:00:00 GMT</pubDate><category>World</category>` +
      `<description><![CDATA[<p>Paragraph one of story ${i} from partner ${n}, with <a href="https://partner${n}.example/x">a link</a>.</p>` +
      `<p>Paragraph two, a little longer, so the body looks like wire copy and not a test string at all.</p>` +
      `<img src="https://cdn.partner${n}.example/${i}.jpg" alt="photo"><img src="https://t.example/p.gif" width="1" height="1">]]></description>` +
      `<enclosure url="https://cdn.partner${n}.example/${i}.jpg" type="image/jpeg" length="1000"/></item>`
    );
  }).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Partner ${n}</title><link>https://partner${n}.example/</link>${entries}</channel></rss>`;
}

const bodies = Array.from({ length: feeds }, (_, n) => {
  const body = Buffer.from(feed(n));
  return { body, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
});

const server = http.createServer((req, res) => {
  const n = Number(/^\/feeds\/(\d+)\.xml$/.exec(req.url ?? "")?.[1] ?? -1);
  const entry = bodies[n];
  if (!entry) return void res.writeHead(404).end();
  if (req.headers["if-none-match"] === entry.etag) return void res.writeHead(304, { etag: entry.etag }).end();
  res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag: entry.etag, "content-length": entry.body.length }).end(entry.body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("disconnect", () => process.exit(0));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
