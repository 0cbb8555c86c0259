// Small XML helpers for what feed@6 cannot emit: extra elements are rendered here and spliced
// into its output through slots, placeholders made of a control character that xmlSafe() has
// already removed from every input, so no article text can collide with one.
import { escapeText, escapeUTF8 } from "entities";

export const escapeXml = escapeUTF8;

/** Plain text as HTML (RSS descriptions are HTML): "<b>" shows as "<b>", never as bold. */
export const escapeHtml = escapeText;

/**
 * Plain text in an RSS element, as the RSS Best Practices Profile asks and the W3C validator checks:
 * "&", "<" and ">" as hexadecimal character references, so that readers which treat RSS text as
 * HTML and those which treat it as text both show the characters themselves.
 */
export function escapeRssText(text: string): string {
  return text.replaceAll("&", "&#x26;").replaceAll("<", "&#x3C;").replaceAll(">", "&#x3E;");
}

/**
 * Plain text kept away from feed@6's XML writer, which turns "&amp;" in a text into "&" (it "desanitizes"
 * before escaping). Each text becomes a placeholder; `fill` writes them escaped into the finished XML,
 * dropping the CDATA section feed@6 may have put around one.
 */
export function textSlots() {
  const texts: string[] = [];
  return {
    put(text: string): string {
      texts.push(text);
      return `\u0003${texts.length - 1}\u0003`;
    },
    fill(xml: string, escape: (text: string) => string): string {
      // eslint-disable-next-line no-control-regex -- U+0003 marks the placeholders this module writes
      return xml.replace(/(?:<!\[CDATA\[)?\u0003(\d+)\u0003(?:\]\]>)?/g, (_m, n: string) => escape(texts[Number(n)] ?? ""));
    },
  };
}

/** A placeholder feed@6 will copy verbatim into its output. */
export function slot(n: number): string {
  return `\u0001${n}\u0001`;
}

/** Replaces `<tag>SLOT</tag>` by the given XML for each slot number. */
export function fillSlots(xml: string, tag: string, fills: ReadonlyMap<number, string>): string {
  return xml.replace(new RegExp(`<${tag}>\u0001(\\d+)\u0001</${tag}>`, "g"), (_m, n: string) => fills.get(Number(n)) ?? "");
}

/** Replaces `<tag type="html"><![CDATA[SLOT]]></tag>` (feed@6's only form of Atom text) by the given XML. */
export function fillHtmlSlots(xml: string, tag: string, fills: ReadonlyMap<number, string>): string {
  return xml.replace(new RegExp(`<${tag} type="html"><!\\[CDATA\\[\u0001(\\d+)\u0001\\]\\]></${tag}>`, "g"), (_m, n: string) => fills.get(Number(n)) ?? "");
}

/** feed@6's xml-js splits only the first "]]>" of a CDATA section; mark them all and split them after. */
export function guardCdata(text: string): string {
  return text.replaceAll("]]>", "]]\u0002>");
}

export function finishCdata(xml: string): string {
  return xml.replaceAll("\u0002", "]]><![CDATA[");
}

export function element(name: string, attributes: Record<string, string | number | null | undefined>, text?: string): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
  return text === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${escapeXml(text)}</${name}>`;
}

/** Swaps the root element's start tag for one declaring the namespaces we use. */
export function replaceRootTag(xml: string, root: string, startTag: string): string {
  return xml.replace(new RegExp(`<${root}(\\s[^>]*)?>`), startTag);
}
