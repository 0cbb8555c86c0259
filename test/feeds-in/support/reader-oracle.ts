// What a mainstream reader makes of a feed file: Debian's python3-feedparser for RSS, RDF and Atom,
// the JSON itself for JSON Feed (feedparser does not read it). The entries it shows, with their
// titles as plain text (tags stripped, entities decoded: HTML → text done in Python, independently of
// Dispatch), the first words of their text, and their link.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";

const SCRIPT = String.raw`
import sys, json, re, html, feedparser
def plain(value, kind):
  if not value: return ""
  if kind != "text/plain":
    value = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", value, flags=re.S | re.I)
    value = html.unescape(re.sub(r"<[^>]*>", " ", value))
  return " ".join(value.split())
def text_of(e):
  for c in e.get("content", []):
    if plain(c.get("value"), c.get("type")): return plain(c.get("value"), c.get("type"))
  d = e.get("summary_detail") or {}
  return plain(e.get("summary"), d.get("type"))
out = []
for job in json.loads(sys.stdin.read()):
  d = feedparser.parse(open(job["path"], "rb").read(), response_headers={"content-type": job["contentType"]})
  entries = []
  for e in d.entries:
    t = e.get("title_detail") or {}
    entries.append({"id": e.get("id") or "", "title": plain(e.get("title"), t.get("type")), "text": text_of(e), "link": e.get("link") or ""})
  out.append({"version": d.version, "bozo": str(d.get("bozo_exception", "")), "entries": entries})
print(json.dumps(out))
`;

export interface ReaderEntry {
  id: string;
  /** Plain text, whitespace collapsed; "" when the entry has none. */
  title: string;
  /** The entry's text (content, else summary) as plain text. */
  text: string;
  link: string;
}

export interface ReaderView {
  version: string;
  /** feedparser's complaint about the XML, if any (it reads malformed feeds too). */
  bozo: string;
  entries: ReaderEntry[];
}

/** feedparser's view of each feed file, given the Content-Type it is served with. */
export function readWithFeedparser(feeds: Array<{ path: string; contentType: string }>): Promise<ReaderView[]> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", ["-c", SCRIPT], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`feedparser failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as ReaderView[]);
    });
    child.stdin!.end(JSON.stringify(feeds));
  });
}

interface JsonFeedItem {
  id?: unknown;
  title?: unknown;
  url?: unknown;
  external_url?: unknown;
  content_html?: unknown;
  content_text?: unknown;
  summary?: unknown;
}

/** A JSON Feed read as its spec says: title and content_text are plain text, content_html is HTML. */
export function readJsonFeed(path: string): ReaderView {
  const doc = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, "")) as { version?: string; items: JsonFeedItem[] };
  const str = (value: unknown) => (typeof value === "string" ? value : "");
  const collapse = (value: string) => value.split(/\s+/).filter(Boolean).join(" ");
  const htmlText = (value: string) =>
    collapse(value.replace(/<[^>]*>/g, " ").replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => decodeSimpleEntity(e)));
  return {
    version: str(doc.version),
    bozo: "",
    entries: doc.items.map((item) => ({
      id: typeof item?.id === "number" ? String(item.id) : str(item?.id),
      title: collapse(str(item?.title)),
      text: htmlText(str(item?.content_html)) || collapse(str(item?.content_text)) || collapse(str(item?.summary)),
      link: str(item?.url) || str(item?.external_url),
    })),
  };
}

function decodeSimpleEntity(name: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
  if (name[0] !== "#") return named[name.toLowerCase()] ?? "";
  return String.fromCodePoint(name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
}
