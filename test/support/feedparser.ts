// Reads a feed with Debian's python3-feedparser (a parser other than the generator) and returns
// what it understood, as plain JSON.
import { execFile } from "node:child_process";

const SCRIPT = String.raw`
import sys, json, feedparser
def links(x): return [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type"), "length": l.get("length")} for l in x.get("links", [])]
def read(d):
 f = d.feed
 return {
  "bozo": int(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
  "feed": {"title": f.get("title"), "link": f.get("link"), "links": links(f), "language": f.get("language"),
           "updated": f.get("updated"), "subtitle": f.get("subtitle"), "image": (f.get("image") or {}).get("href"),
           "icon": f.get("icon"), "logo": f.get("logo"), "id": f.get("id"), "author": f.get("author")},
  "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "links": links(e), "author": e.get("author"),
               "published": e.get("published"), "updated": e.get("updated"),
               "tags": [{"term": t.get("term"), "label": t.get("label"), "scheme": t.get("scheme")} for t in e.get("tags", [])],
               "summary": e.get("summary"), "content": [{"type": c.get("type"), "value": c.get("value")} for c in e.get("content", [])],
               "enclosures": [{"href": x.get("href"), "type": x.get("type"), "length": x.get("length")} for x in e.get("enclosures", [])],
               "media_content": e.get("media_content", []), "media_credit": e.get("media_credit", [])} for e in d.entries],
}
data = sys.stdin.buffer.read()
if sys.argv[1:] == ["many"]:
  print(json.dumps([read(feedparser.parse(doc.encode("utf-8"))) for doc in json.loads(data)]))
else:
  print(json.dumps(read(feedparser.parse(data))))
`;

export interface ParsedLink {
  rel: string | null;
  href: string | null;
  type: string | null;
  length: string | null;
}

export interface ParsedFeed {
  bozo: number;
  bozo_exception: string;
  version: string;
  feed: {
    title: string;
    link: string;
    links: ParsedLink[];
    language: string | null;
    updated: string | null;
    subtitle: string | null;
    image: string | null;
    icon: string | null;
    logo: string | null;
    id: string | null;
    author: string | null;
  };
  entries: Array<{
    id: string;
    title: string;
    link: string;
    links: ParsedLink[];
    author: string | null;
    published: string | null;
    updated: string | null;
    tags: Array<{ term: string; label: string | null; scheme: string | null }>;
    summary: string | null;
    content: Array<{ type: string; value: string }>;
    enclosures: Array<{ href: string; type: string; length: string }>;
    media_content: Array<Record<string, string>>;
    media_credit: Array<{ content: string }>;
  }>;
}

export function feedparser(xml: string | Buffer): Promise<ParsedFeed> {
  return run([], xml) as Promise<ParsedFeed>;
}

/** Many documents in one python process. */
export function feedparserMany(docs: Array<string | Buffer>): Promise<ParsedFeed[]> {
  return run(["many"], JSON.stringify(docs.map((d) => d.toString()))) as Promise<ParsedFeed[]>;
}

function run(args: string[], input: string | Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", ["-c", SCRIPT, ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`feedparser failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin!.end(input);
  });
}
