// The allowlist for article bodies: what a news page needs, nothing that runs.
import { decodeHTML } from "entities";
import { Parser } from "htmlparser2";
import sanitizeHtml from "sanitize-html";

const NEWS_TAGS = [
  "p",
  "br",
  "hr",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "sub",
  "sup",
  "small",
  "mark",
  "abbr",
  "cite",
  "q",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "a",
  "img",
  "figure",
  "figcaption",
  "picture",
  "source",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "caption",
  "time",
  "span",
  "div",
  "aside",
];

export const NEWS_HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: NEWS_TAGS,
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    img: ["src", "srcset", "alt", "title", "width", "height", "loading"],
    source: ["srcset", "media", "type"],
    abbr: ["title"],
    time: ["datetime"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan", "scope"],
    blockquote: ["cite"],
    q: ["cite"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Embeds are kept as their text/link only: nothing executable survives.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "iframe", "object", "embed"],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: attribs.target === "_blank" ? { ...attribs, rel: "noopener noreferrer" } : attribs,
    }),
  },
};

export function sanitizeBody(html: string, options: sanitizeHtml.IOptions = NEWS_HTML_OPTIONS): string {
  return sanitizeHtml(html, options).trim();
}

const MARKUP_OR_ENTITY = /[<&]/;
/** Elements whose content is not text a reader sees. */
const NON_TEXT = new Set(["script", "style", "textarea", "noscript"]);

/**
 * Plain text from HTML: for text that arrives as HTML (partner items, an article body turned into a
 * default summary). Never for text given as plain text (the admin API's titles): that is kept as sent.
 * The text is what sanitize-html leaves with no tag allowed (the same parser, the same skipped
 * elements), decoded, with runs of white space made one space; read in one pass of the parser.
 */
export function toPlainText(html: string): string {
  // Without markup or entities, the parser would hand the text back as it is (test/articles/plain-text.test.ts).
  if (!MARKUP_OR_ENTITY.test(html)) return html.replace(/\s+/g, " ").trim();
  let text = "";
  // Inside a skipped element every tag opened counts, as sanitize-html counts them, until the depth is back to 0.
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipDepth) skipDepth++;
        else if (NON_TEXT.has(name)) skipDepth = 1;
      },
      onclosetag() {
        if (skipDepth) skipDepth--;
      },
      ontext(chunk) {
        if (!skipDepth) text += chunk;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return text.replace(/\s+/g, " ").trim();
}

/** sanitize-html re-escapes text; plain text is stored decoded, so decode back. */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}

/** The first `count` words of plain text, with an ellipsis when there are more. */
export function firstWords(text: string, count: number): string {
  // Reads no further than one word past `count`: a long body is not split whole for its first words.
  const words: string[] = [];
  const word = /\S+/g;
  for (let match = word.exec(text); match && words.length <= count; match = word.exec(text)) words.push(match[0]);
  return words.length <= count ? words.join(" ") : `${words.slice(0, count).join(" ")}…`;
}
