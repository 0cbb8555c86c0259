// A small same-origin crawler: fetches each URL once, reads the links out of HTML pages, feeds (XML and
// JSON) and JSON answers, and follows those on the same origin. Other origins are listed, never fetched.
import { request } from "#test/support/http.js";

export interface Visit {
  url: string;
  status: number;
  type: string;
  /** The page the link was first found on ("start" for the starting URLs). */
  from: string;
}

export interface CrawlResult {
  visits: Map<string, Visit>;
  /** Links to other origins, not followed. */
  elsewhere: Set<string>;
}

const READABLE = /html|xml|json/;

export async function crawl(
  origin: string,
  start: Array<{ url: string; text?: string }>,
  options: { limit?: number; concurrency?: number } = {},
): Promise<CrawlResult> {
  const limit = options.limit ?? 5000;
  const visits = new Map<string, Visit>();
  const elsewhere = new Set<string>();
  const queue: Array<{ url: string; from: string }> = [];
  const enqueue = (href: string, from: string) => {
    const url = normalize(href, from === "start" ? origin : from);
    if (!url) return;
    if (new URL(url).origin !== origin) elsewhere.add(url);
    else if (!visits.has(url) && !queue.some((q) => q.url === url)) queue.push({ url, from });
  };
  // Starting points given with their text (an admin-only page, say) are read, not fetched.
  for (const s of start) {
    if (s.text === undefined) enqueue(s.url, "start");
    else for (const link of linksIn(s.text, s.url, origin)) enqueue(link, s.url);
  }
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (visits.size >= limit) throw new Error(`crawl: more than ${limit} URLs; a link loop?`);
      const response = await request(next.url);
      const type = String(response.headers["content-type"] ?? "");
      visits.set(next.url, { url: next.url, status: response.status, type, from: next.from });
      if (response.status === 200 && READABLE.test(type)) for (const link of linksIn(response.text, next.url, origin)) enqueue(link, next.url);
    }
  };
  // Workers stop when the queue is empty for a moment: run rounds until nothing is left.
  while (queue.length) await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { visits, elsewhere };
}

/** href/src attributes (relative ones resolved against the page) and every absolute URL on our origin in the text. */
function linksIn(text: string, pageUrl: string, origin: string): string[] {
  const links: string[] = [];
  for (const m of text.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi)) {
    const url = normalize(decode(m[1]!), pageUrl);
    if (url) links.push(url);
  }
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  for (const m of text.matchAll(new RegExp(`${escaped}[^\\s"'<>\\\\]*`, "g"))) links.push(decode(m[0]));
  return links;
}

function normalize(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

function decode(text: string): string {
  return text
    .replace(/&amp;/g, "&")
    .replace(/&#x3D;/gi, "=")
    .replace(/&#x27;/gi, "'")
    .replace(/&quot;/g, '"');
}
