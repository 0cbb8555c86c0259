// The W3C Feed Validation Service's rules that apply to the RSS 2.0 Dispatch writes, checked on a
// parsed document: each problem is named after the validator's message. An empty list is the goal.
import { childrenNamed, xmlTree, type XmlNode } from "#test/support/xml-tree.js";

/** Elements the validator reads as plain text ("nonhtml"): HTML in them draws a warning. */
const PLAIN_TEXT = new Set(["title", "description", "category", "copyright"]);
const PLAIN_TEXT_IN_ITEM = new Set(["title", "category"]);
const HTML_END_TAG = /<\/(a|b|i|p|em|strong|span|div|blink|br|img|ul|li|code|script|u|s|h\d)>/i;
const HTML_ENTITY = /&(#?\w+)/;
const CHARACTER_DATA = /&#[x0-9]|<[/a-zA-Z]/;
// RFC 2822 as the validator accepts it without a warning (validators.py, rfc2822_re).
const RFC2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d(:\d\d)? ([+-]?\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z)$/;
const LINK_RELS = new Set([
  "alternate",
  "current",
  "enclosure",
  "first",
  "hub",
  "last",
  "next",
  "next-archive",
  "prev-archive",
  "previous",
  "related",
  "self",
  "via",
]);
const MIME = /^[^\s()<>,;:\\"/[\]?=]+\/[^\s()<>,;:\\"/[\]?=]+$/;

export async function rssProblems(xml: string): Promise<string[]> {
  const root = await xmlTree(xml);
  const lines = xml.split("\n");
  const problems: string[] = [];
  if (root.name !== "rss" || root.attrs.version !== "2.0") problems.push("not RSS 2.0");
  const channel = childrenNamed(root, "channel")[0];
  if (!channel) return [...problems, "MissingChannel"];
  channelProblems(channel, lines, problems);
  const guids = new Set<string>();
  for (const item of childrenNamed(channel, "item")) itemProblems(item, lines, guids, problems);
  return problems;
}

function channelProblems(channel: XmlNode, lines: string[], problems: string[]): void {
  const firstItem = channel.children.findIndex((c) => c.name === "item");
  channel.children.forEach((c, i) => {
    if (firstItem >= 0 && i > firstItem && c.name !== "item") problems.push(`MisplacedItem: <${c.name}> after the first <item>`);
  });
  for (const required of ["title", "link", "description", "language"])
    if (!childrenNamed(channel, required).length) problems.push(`Missing channel <${required}>`);
  for (const date of [...childrenNamed(channel, "lastBuildDate"), ...childrenNamed(channel, "pubDate")]) dateProblems(date, problems);
  for (const c of channel.children) if (PLAIN_TEXT.has(c.name)) textProblems(c, lines, problems);
  const image = childrenNamed(channel, "image")[0];
  if (image) {
    if (childrenNamed(image, "title")[0]?.text !== childrenNamed(channel, "title")[0]?.text) problems.push("ImageTitleDoesntMatch");
    if (childrenNamed(image, "link")[0]?.text !== childrenNamed(channel, "link")[0]?.text) problems.push("ImageLinkDoesntMatch");
  }
  const links = childrenNamed(channel, "atom:link");
  const self = links.find((l) => l.attrs.rel === "self");
  if (!self) problems.push("MissingAtomSelfLink");
  else if (self.attrs.type !== "application/rss+xml" || !/^https?:\/\//.test(self.attrs.href ?? "")) problems.push("SelfNotAtom or RelativeSelf");
  for (const link of links) {
    if (!LINK_RELS.has(link.attrs.rel ?? "alternate")) problems.push(`UnregisteredAtomLinkRel: ${link.attrs.rel}`);
    if (!link.attrs.href) problems.push("MissingHref");
    if (link.attrs.type !== undefined && !MIME.test(link.attrs.type)) problems.push(`InvalidMIMEType: ${link.attrs.type}`);
  }
}

function itemProblems(item: XmlNode, lines: string[], guids: Set<string>, problems: string[]): void {
  const names = item.children.map((c) => c.name);
  const guid = childrenNamed(item, "guid")[0];
  if (!guid) problems.push("MissingGuid");
  else {
    if (guids.has(guid.text)) problems.push(`DuplicateValue: guid ${guid.text}`);
    guids.add(guid.text);
    const permalink = guid.attrs.isPermaLink ?? "true";
    if (!["true", "false"].includes(permalink)) problems.push("InvalidBooleanAttribute: isPermaLink");
    if (permalink === "true" && /^(urn:uuid:|tag:)/i.test(guid.text)) problems.push("InvalidPermalink");
  }
  if (names.includes("author") && names.includes("dc:creator")) problems.push("DuplicateItemSemantics: author and dc:creator");
  for (const author of childrenNamed(item, "author")) if (!/^\S+@\S+\s\(.+\)$/.test(author.text)) problems.push(`InvalidContact: <author>${author.text}`);
  if (names.includes("content:encoded") && names.indexOf("description") > names.indexOf("content:encoded")) problems.push("NeedDescriptionBeforeContent");
  for (const date of childrenNamed(item, "pubDate")) dateProblems(date, problems);
  for (const enclosure of childrenNamed(item, "enclosure")) {
    if (!/^[1-9]\d*$/.test(enclosure.attrs.length ?? "")) problems.push(`enclosure length ${enclosure.attrs.length}`);
    if (!MIME.test(enclosure.attrs.type ?? "")) problems.push("InvalidMIMEAttribute: enclosure type");
    if (!/^https?:\/\//.test(enclosure.attrs.url ?? "")) problems.push("InvalidURLAttribute: enclosure url");
  }
  for (const c of item.children) if (PLAIN_TEXT_IN_ITEM.has(c.name)) textProblems(c, lines, problems);
}

/** ContainsHTML and CharacterData (validators.py, nonhtml): markup-looking text must use hex references. */
function textProblems(node: XmlNode, lines: string[], problems: string[]): void {
  const hexEncoded = lines.slice(node.line - 1, node.endLine).some((l) => l.includes("&#x"));
  if (HTML_END_TAG.test(node.text)) problems.push(`ContainsHTML: <${node.name}>${node.text}`);
  else if (HTML_ENTITY.test(node.text) && !hexEncoded) problems.push(`ContainsHTML (entity): <${node.name}>${node.text}`);
  else if (CHARACTER_DATA.test(node.text) && !hexEncoded) problems.push(`CharacterData: <${node.name}>${node.text}`);
}

function dateProblems(node: XmlNode, problems: string[]): void {
  const match = RFC2822.exec(node.text);
  if (!match) problems.push(`InvalidRFC2822Date: <${node.name}>${node.text}`);
  else if (new Date(node.text).toUTCString().slice(0, 3) !== match[1]) problems.push(`IncorrectDOW: <${node.name}>${node.text}`);
}
