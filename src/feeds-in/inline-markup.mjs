// Runs in the parse worker before rss-parser: text that a feed carries as markup or as plain text is
// rewritten into escaped HTML inside CDATA, the one shape rss-parser reads as a string.
// - Atom text constructs (1.0 and 0.3): inline XHTML (`type="xhtml"`, `mode="xml"`) becomes HTML
//   without its wrapper div; plain text (no type, `type="text"`) is escaped so it stays literal.
// - An RSS item's XHTML body (`<xhtml:body>`, `<body xmlns="…xhtml">`) becomes `<xhtml:body>` HTML.
// Anything it cannot pair up (malformed XML) is left as it was for the parser to judge.
// Plain JavaScript, like the worker, so that it loads the same under tsx, vitest and plain node.
import { localName, scanMarkup, tokens } from "./xml-tokens.mjs";

const ATOM_PARENTS = new Set(["feed", "entry", "source"]);
const ATOM_CONSTRUCTS = new Set(["title", "subtitle", "summary", "content", "rights", "tagline", "copyright", "info"]);
const HTML_TYPES = new Set(["html", "text/html"]);
const TEXT_TYPES = new Set(["", "text", "text/plain"]);
const XHTML_TYPES = new Set(["xhtml", "application/xhtml+xml"]);
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const XML_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function rewriteInlineMarkup(xml) {
  const edits = [];
  const stack = [];
  const openCount = new Map(); // how many of each name are open: a stray end tag costs no stack search
  const push = (name) => (stack.push(name), openCount.set(name, (openCount.get(name) ?? 0) + 1));
  const popTo = (depth) => {
    while (stack.length > depth) {
      const name = stack.pop();
      openCount.set(name, openCount.get(name) - 1);
    }
  };
  let atom = undefined;
  let open; // the construct being read: its start tag and depth
  scanMarkup(xml, (kind, start, end, m) => {
    if (kind !== "tag") return;
    const tag = { name: m[2], local: localName(m[2]), attrs: m[3], start, end };
    if (!m[1]) {
      atom ??= tag.local === "feed";
      const construct = open || m[4] ? undefined : constructKind(tag.local, stack.at(-1), atom);
      if (construct) open = { kind: construct, tag, depth: stack.length };
      if (!m[4]) push(tag.name);
      return;
    }
    if (!openCount.get(tag.name)) return; // a stray end tag: the parser will judge it
    popTo(stack.lastIndexOf(tag.name));
    if (open && stack.length <= open.depth) {
      const edit = stack.length === open.depth && tag.name === open.tag.name ? rewriteConstruct(xml, open, tag) : undefined;
      if (edit) edits.push(edit);
      open = undefined;
    }
  });
  return applyEdits(xml, edits);
}

function constructKind(local, parent, atom) {
  const parentLocal = parent === undefined ? undefined : localName(parent);
  if (atom && ATOM_CONSTRUCTS.has(local) && ATOM_PARENTS.has(parentLocal)) return "atom";
  if (local === "body" && parentLocal === "item") return "body";
  return undefined;
}

function rewriteConstruct(xml, open, close) {
  const inner = tokens(xml.slice(open.tag.end, close.start));
  if (open.kind === "body") return { start: open.tag.start, end: close.end, text: `<xhtml:body>${cdata(xhtmlToHtml(inner))}</xhtml:body>` };
  const attrs = attributes(open.tag.attrs);
  const type = (attrs.type ?? "").trim().toLowerCase();
  if (attrs.src !== undefined || (attrs.mode ?? "").toLowerCase() === "base64") return undefined;
  let html;
  // Elements inside mean inline markup, whatever the type says (0.3's mode="xml" often has no type).
  if (inner.some((t) => t.kind === "open" || t.kind === "empty") || XHTML_TYPES.has(type)) html = xhtmlToHtml(inner);
  else if (HTML_TYPES.has(type)) return undefined;
  else if (TEXT_TYPES.has(type)) html = textToHtml(inner);
  else return undefined;
  const kept = open.tag.attrs.replace(/\s(?:type|mode)\s*=\s*(?:"[^"]*"|'[^']*')/g, "");
  return { start: open.tag.start, end: close.end, text: `<${open.tag.name}${kept} type="html">${cdata(html)}</${open.tag.name}>` };
}

/** Inline XHTML as HTML: the wrapper div dropped, prefixes and namespace declarations gone, CDATA escaped. */
function xhtmlToHtml(inner) {
  return unwrapDiv(inner).map(tokenToHtml).join("");
}

function unwrapDiv(all) {
  const meaningful = all.filter((t) => !(t.kind === "text" && !t.raw.trim()) && !(t.kind === "other" && t.raw.startsWith("<!--")));
  const first = meaningful[0];
  const last = meaningful.at(-1);
  if (!first || first.kind !== "open" || first.local !== "div" || last.kind !== "close" || last.local !== "div") return all;
  let depth = 0;
  for (const t of meaningful) {
    if (t.kind === "open") depth++;
    if (t.kind === "close") depth--;
    if (depth === 0 && t !== last) return all; // two top-level elements: not one wrapper
  }
  return all.slice(all.indexOf(first) + 1, all.indexOf(last));
}

function tokenToHtml(t) {
  if (t.kind === "text") return t.raw;
  if (t.kind === "cdata") return escapeHtml(t.text);
  if (t.kind === "close") return `</${t.local}>`;
  if (t.kind === "open" || t.kind === "empty") {
    const attrs = t.attrs.replace(/\s+xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')/g, "").replace(/(\s)xml:lang(\s*=)/g, "$1lang$2");
    if (t.kind === "open") return `<${t.local}${attrs}>`;
    return VOID.has(t.local.toLowerCase()) ? `<${t.local}${attrs} />` : `<${t.local}${attrs}></${t.local}>`;
  }
  return ""; // comments, processing instructions
}

/** Plain text (XML-escaped, maybe in CDATA) as the HTML that shows it literally. */
function textToHtml(inner) {
  return inner
    .map((t) => {
      if (t.kind === "cdata") return escapeHtml(t.text);
      if (t.kind !== "text") return "";
      // Known XML entities are decoded, then escaped for HTML; an unknown one is left for HTML to read.
      return t.raw.replace(/&(#x[0-9a-f]+|#\d+|[A-Za-z][\w.-]*);|[<>&"]/gi, (m, name) => {
        if (name === undefined) return escapeHtml(m);
        const char = xmlEntity(name);
        return char === undefined ? m : escapeHtml(char);
      });
    })
    .join("");
}

function xmlEntity(name) {
  if (name[0] !== "#") return XML_ENTITIES[name];
  const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function cdata(text) {
  return `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

function attributes(source) {
  const out = {};
  for (const m of source.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

function applyEdits(xml, edits) {
  if (!edits.length) return xml;
  let out = "";
  let at = 0;
  for (const edit of edits) {
    out += xml.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + xml.slice(at);
}
