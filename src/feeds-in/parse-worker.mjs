// Runs in a worker thread of parse.ts's thread pool: rss-parser parseString, with the gaps of 3.13.0
// wrapped; JSON (a JSON Feed) is parsed here too. A task that brings a read context is then read to
// the end here (read.ts: normalize, sanitize, hash), so the main thread only saves.
// Plain JavaScript so that it loads the same under tsx, vitest and plain node; Node 20 does not pass
// tsx's loader on to worker threads, so the thread registers it before it loads read.ts.
import { parentPort } from "node:worker_threads";
import Parser from "rss-parser";
import { register } from "tsx/esm/api";
import { rewriteInlineMarkup } from "./inline-markup.mjs";

register();
/** read.ts and what it imports load on the first task that needs them: a parse alone starts as fast as before. */
let reader;
const loadReader = () => (reader ??= import("./read.ts"));

const CUSTOM_FIELDS = {
  item: [
    ["media:content", "mediaContent", { keepArray: true }],
    ["media:thumbnail", "mediaThumbnail", { keepArray: true }],
    ["media:group", "mediaGroup", { keepArray: true }],
    ["category", "categoryRaw", { keepArray: true }],
    ["dc:subject", "subjects", { keepArray: true }],
    // An XHTML body, as inline-markup.mjs leaves it.
    ["xhtml:body", "xhtmlBody"],
    ["itunes:summary", "itunesSummary"],
  ],
};

/** An attribute of an xml2js node; the forgiving parser upper-cases attribute names. */
const attr = (attrs, name) => attrs?.[name] ?? attrs?.[name.toUpperCase()];

/** rss-parser turns an Atom date into an ISO string with toISOString(), which throws on an invalid
 * date and loses the whole feed; we parse dates ourselves, so it never sees them. */
class SafeParser extends Parser {
  parseItemAtom(entry) {
    const { published, updated, issued, modified, ...rest } = entry;
    const item = super.parseItemAtom(rest);
    const text = (value) => (typeof value?.[0] === "string" ? value[0] : typeof value?.[0]?._ === "string" ? value[0]._ : undefined);
    // Atom 0.3 says issued/modified where 1.0 says published/updated.
    item.pubDate = text(published) ?? text(issued) ?? text(updated) ?? text(modified);
    item.updated = text(updated) ?? text(modified);
    const links = (Array.isArray(rest.link) ? rest.link : []).map((link) => link?.$).filter((a) => typeof attr(a, "href") === "string");
    // The entry's page is its alternate link (a link without rel is one), never self, edit, replies or
    // an enclosure; without one, an http(s) id is the page (as feedparser reads it).
    const id = text(rest.id);
    item.link =
      attr(
        links.find((a) => (attr(a, "rel") ?? "alternate") === "alternate"),
        "href",
      ) ?? (/^https?:\/\//i.test(id ?? "") ? id : undefined);
    // <link rel="enclosure" href type length>: enclosures take the shape of RSS's <enclosure url type
    // length> so images are found the same way.
    const enclosures = links
      .filter((a) => attr(a, "rel") === "enclosure")
      .map((a) => ({ url: attr(a, "href"), type: attr(a, "type"), length: attr(a, "length") }));
    if (enclosures.length) item.enclosure = enclosures;
    item.xmlBase = attr(entry.$, "xml:base");
    return item;
  }

  parseItemRss(xmlItem, itemFields) {
    const item = super.parseItemRss(xmlItem, itemFields);
    item.xmlBase = attr(xmlItem.$, "xml:base");
    return item;
  }
}

// A fresh parser for every document: xml2js keeps state after a failed parse, and the next document
// given to the same instance can then never finish.
const strictParser = () => new SafeParser({ defaultRSS: 2, customFields: CUSTOM_FIELDS });
const lenientParser = () => new SafeParser({ defaultRSS: 2, customFields: CUSTOM_FIELDS, xml2js: { strict: false, normalizeTags: true } });

/** rss-parser matches namespaced fields by their literal prefix ("media:content"), so a feed that
 * declares the same namespace under another prefix loses them: rewrite known namespaces to the usual
 * prefix. A prefixed Atom root (`<atom:feed>`) becomes the bare `<feed>` rss-parser knows. */
const KNOWN_NAMESPACES = {
  "http://search.yahoo.com/mrss/": "media",
  "http://purl.org/rss/1.0/modules/content/": "content",
  "http://purl.org/dc/elements/1.1/": "dc",
  "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
};

function normalizePrefixes(xml) {
  const head = xml.slice(0, 4096);
  let out = xml;
  for (const [, rawPrefix, uri] of head.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']+)["']/g)) {
    const prefix = rawPrefix.replace(/\./g, "\\.");
    const usual = KNOWN_NAMESPACES[uri];
    if (usual && usual !== rawPrefix) out = out.replace(new RegExp(`<(/?)${prefix}:`, "g"), `<$1${usual}:`);
    const atomRoot = uri === "http://www.w3.org/2005/Atom" && new RegExp(`<${prefix}:feed[\\s>]`).test(head);
    if (atomRoot) out = out.replace(new RegExp(`<(/?)${prefix}:`, "g"), "<$1").replace(new RegExp(`xmlns:${prefix}=`), "xmlns=");
  }
  return out;
}

/** JSON by its first character, or by its content type when the body is not plainly XML. */
function isJson(text, contentType) {
  const first = /\S/.exec(text)?.[0];
  return first === "{" || first === "[" || (first !== "<" && /[/+]json\b/i.test(contentType ?? ""));
}

function parseJson(text) {
  try {
    return { json: JSON.parse(text), recovered: null };
  } catch (error) {
    throw new Error(`not valid JSON: ${String(error.message).split("\n")[0]}`);
  }
}

async function parse(text, contentType) {
  if (!text.trim()) throw new Error("empty body");
  if (isJson(text, contentType)) return parseJson(text);
  if (/^\s*(<!doctype\s+html|<html[\s>])/i.test(text)) throw new Error("the body is an HTML page, not a feed");
  const xml = rewriteInlineMarkup(normalizePrefixes(text));
  try {
    return { feed: await strictParser().parseString(xml), recovered: null };
  } catch (error) {
    // Malformed XML: a forgiving second pass keeps the good items when it can, first on the whole
    // text, then on the text cut after its last complete entry (a truncated or unclosed feed).
    // An entry the text ends inside is left out (its last field may be cut mid-value) and named.
    const cut = cutAfterLastEntry(xml);
    for (const candidate of [xml, cut?.xml]) {
      const feed = candidate
        ? await lenientParser()
            .parseString(candidate)
            .catch(() => null)
        : null;
      if (!feed || !feed.items || !feed.items.length) continue;
      const note = candidate === cut?.xml && cut.dropped ? "; the feed ends inside its last entry, left for the next pull" : "";
      return { feed, recovered: String(error.message).split("\n")[0] + note };
    }
    throw error;
  }
}

function cutAfterLastEntry(xml) {
  const item = xml.lastIndexOf("</item>");
  const entry = xml.lastIndexOf("</entry>");
  const end = Math.max(item >= 0 ? item + 7 : -1, entry >= 0 ? entry + 8 : -1);
  if (end < 0) return null;
  const head = xml.slice(0, end);
  const dropped = /<(?:[\w-]+:)?(?:item|entry)[\s>]/.test(xml.slice(end));
  if (/<rdf:RDF[\s>]/.test(head)) return { xml: `${head}</rdf:RDF>`, dropped };
  if (/<feed[\s>]/.test(head)) return { xml: `${head}</feed>`, dropped };
  return { xml: `${head}</channel></rss>`, dropped };
}

/** Parse only, or (given a read context) parse and read: see read.ts. */
async function run({ text, contentType, read }) {
  const parsed = await parse(text, contentType);
  if (!read) return parsed;
  const { readFeed } = await loadReader();
  try {
    return await readFeed(text, parsed, read);
  } catch (error) {
    // A JSON document that is not a JSON Feed says so as a parse error (parse.ts names the step).
    throw error?.name === "PartnerPullError" ? new Error(String(error.message).replace(/^parse: /, "")) : error;
  }
}

// A task message of thread-pool.ts: { kind: "task", id, task: { text, contentType, read? } }.
parentPort.on("message", ({ id, task }) => {
  run(task).then(
    (result) => parentPort.postMessage({ id, ok: true, result }),
    (error) =>
      parentPort.postMessage({
        id,
        ok: false,
        error: String(error?.message ?? error)
          .split("\n")
          .slice(0, 2)
          .join(" "),
      }),
  );
});
