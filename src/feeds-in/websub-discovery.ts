// WebSub discovery (subscriber side): the hub and the topic a pulled feed advertises, from its Link
// header or from the feed-level links of the document itself (Atom, RSS with atom:link, JSON Feed).

export interface Advertised {
  hub: string;
  topic: string;
}

/** The hub and self (topic) URLs, header first; null unless both are there and are http(s). */
export function discoverHub(text: string, linkHeader: string | null | undefined, base: string): Advertised | null {
  const header = linkHeader ? headerLinks(linkHeader) : {};
  const doc = documentLinks(text);
  const hub = absolute(header.hub ?? doc.hub, base);
  const topic = absolute(header.self ?? doc.self, base);
  return hub && topic ? { hub, topic } : null;
}

/** `<url>; rel="hub", <url>; rel="self"`: the first URL of each relation. */
function headerLinks(value: string): { hub?: string; self?: string } {
  const found: { hub?: string; self?: string } = {};
  for (const match of value.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rel =
      /;\s*rel\s*=\s*"?([^";]+)"?/i
        .exec(match[2] ?? "")?.[1]
        ?.toLowerCase()
        .split(/\s+/) ?? [];
    for (const name of ["hub", "self"] as const) if (rel.includes(name)) found[name] ??= match[1]!.trim();
  }
  return found;
}

/** Feed-level `<link rel="hub|self" href>` (any prefix), before the first entry or item; or JSON Feed's hubs and feed_url. */
function documentLinks(text: string): { hub?: string; self?: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return jsonFeedLinks(trimmed);
  const head = text.slice(0, firstEntry(text));
  const found: { hub?: string; self?: string } = {};
  for (const match of head.matchAll(/<(?:[\w-]+:)?link\b([^>]*)>/gi)) {
    const attrs = match[1] ?? "";
    const rel = attribute(attrs, "rel")?.toLowerCase().split(/\s+/) ?? [];
    const href = attribute(attrs, "href");
    if (!href) continue;
    for (const name of ["hub", "self"] as const) if (rel.includes(name)) found[name] ??= decodeEntities(href);
  }
  return found;
}

function firstEntry(text: string): number {
  const at = text.search(/<(?:[\w-]+:)?(?:entry|item)\b/i);
  return at < 0 ? text.length : at;
}

function attribute(attrs: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attrs);
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[name]!);
}

function jsonFeedLinks(text: string): { hub?: string; self?: string } {
  try {
    const feed = JSON.parse(text) as { feed_url?: unknown; hubs?: Array<{ type?: unknown; url?: unknown }> };
    const hub = Array.isArray(feed.hubs) ? feed.hubs.find((h) => String(h?.type).toLowerCase() === "websub" && typeof h.url === "string")?.url : undefined;
    return {
      ...(typeof hub === "string" ? { hub } : {}),
      ...(typeof feed.feed_url === "string" ? { self: feed.feed_url } : {}),
    };
  } catch {
    return {};
  }
}

function absolute(url: string | undefined, base: string): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
