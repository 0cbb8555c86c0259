// Where blocks may go inside an article's body: only between its top-level paragraphs, never inside
// other markup (a quote, a list, a figure). Pure string work on the sanitized body HTML.

/** Elements with no closing tag. */
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
/** A comment, or a start or end tag (quoted attribute values may hold ">"). */
const TAG = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

/** Offsets just after each top-level paragraph's end tag, in order. */
function paragraphEnds(html: string): number[] {
  const ends: number[] = [];
  let depth = 0;
  for (const match of html.matchAll(TAG)) {
    const [whole, closing, name, attributes = ""] = match;
    if (!name) continue;
    const tag = name.toLowerCase();
    if (VOID.has(tag) || attributes.trimEnd().endsWith("/")) continue;
    if (!closing) {
      depth++;
      continue;
    }
    depth = Math.max(0, depth - 1);
    if (depth === 0 && tag === "p") ends.push(match.index + whole.length);
  }
  return ends;
}

/**
 * The body cut after the given top-level paragraphs (1-based), where another paragraph follows:
 * a short body gets fewer cuts. Joining the parts gives the body back.
 */
export function splitAfterParagraphs(html: string, after: readonly number[]): string[] {
  const ends = paragraphEnds(html);
  const cuts = [...new Set(after)]
    .filter((n) => n >= 1 && n < ends.length)
    .sort((a, b) => a - b)
    .map((n) => ends[n - 1]!);
  const parts: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    parts.push(html.slice(from, cut));
    from = cut;
  }
  parts.push(html.slice(from));
  return parts;
}
