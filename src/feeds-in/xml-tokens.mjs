// A small, linear XML scanner for the parse worker: enough to find elements and their extent in a feed
// that may be megabytes long or hostile, not a parser (rss-parser's xml2js stays the judge of XML).
// Plain JavaScript, like the worker, so that it loads the same under tsx, vitest and plain node.

// A start or end tag at a given position. Names and values stop at "<", which XML does not allow in
// them, so a failed match never runs past the next tag (the scan stays linear on hostile input).
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/<>]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'))?)*)\s*(\/?)>/y;

/** Calls `visit` for each piece of markup in order: a tag (with its regex match), a CDATA section or
 * anything else (comment, processing instruction, declaration). What lies between is text. An
 * unterminated comment, CDATA section or declaration ends the scan: the rest is left as it is. */
export function scanMarkup(xml, visit) {
  for (let at = xml.indexOf("<"); at >= 0;) {
    let end;
    let kind = "other";
    if (xml.startsWith("<!--", at)) end = endOf(xml, "-->", at + 4);
    else if (xml.startsWith("<![CDATA[", at)) {
      kind = "cdata";
      end = endOf(xml, "]]>", at + 9);
    } else if (xml.startsWith("<?", at)) end = endOf(xml, "?>", at + 2);
    else if (xml.startsWith("<!", at)) end = declarationEnd(xml, at);
    else {
      TAG.lastIndex = at;
      const m = TAG.exec(xml);
      const tagEnd = m ? TAG.lastIndex : at + 1; // read before visit: it may scan a fragment itself
      if (m) visit("tag", at, tagEnd, m);
      at = xml.indexOf("<", tagEnd);
      continue;
    }
    if (end < 0) return;
    visit(kind, at, end);
    at = xml.indexOf("<", end);
  }
}

function endOf(xml, close, from) {
  const found = xml.indexOf(close, from);
  return found < 0 ? -1 : found + close.length;
}

/** `<!DOCTYPE …>`, with an internal subset in [ ] that may hold ">" of its own. */
function declarationEnd(xml, at) {
  const gt = xml.indexOf(">", at);
  const bracket = xml.indexOf("[", at);
  if (bracket < 0 || (gt >= 0 && gt < bracket)) return gt < 0 ? -1 : gt + 1;
  const close = xml.indexOf("]", bracket);
  return close < 0 ? -1 : endOf(xml, ">", close);
}

/** XML as a list of tokens: text, cdata (with its text), other, and tags (open, close, empty) with
 * their name, local name and attribute source. For the small fragments inside a construct. */
export function tokens(xml) {
  const list = [];
  let last = 0;
  scanMarkup(xml, (kind, start, end, m) => {
    if (start > last) list.push({ kind: "text", raw: xml.slice(last, start) });
    const raw = xml.slice(start, end);
    if (kind === "tag") list.push({ kind: m[1] ? "close" : m[4] ? "empty" : "open", raw, name: m[2], local: localName(m[2]), attrs: m[3] });
    else list.push({ kind, raw, text: kind === "cdata" ? raw.slice(9, -3) : undefined });
    last = end;
  });
  if (last < xml.length) list.push({ kind: "text", raw: xml.slice(last) });
  return list;
}

export function localName(name) {
  const colon = name.lastIndexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}
