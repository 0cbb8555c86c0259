// Small XML helpers for what feed@6 cannot emit: extra elements are rendered here and spliced
// into its output through slots, placeholders made of a control character that xmlSafe() has
// already removed from every input, so no article text can collide with one.
import { escapeUTF8 } from "entities";

export const escapeXml = escapeUTF8;

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
