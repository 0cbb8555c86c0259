// Digests with the same stories (same articles, frequency, date and publisher) differ only in their
// reader's three links. Such a shape is filled by Handlebars once, with markers where the links go, and
// each digest of it is the pieces between the markers with its own links put back. The pieces are kept
// as UTF-8 too: a digest's HTML goes to base64 from bytes copied together, not from 30 KB of text
// transcoded per message (Node 20 transcodes at about 1 GB/s, and filling cost as much again).
import { randomBytes } from "node:crypto";
import { escapeHtml, type CompiledEmail } from "#src/mail/fill.js";
import { alwaysBase64, base64Lines, BASE64_LINE_OCTETS, type EncodedSpan, type PartContent } from "#src/mail/mime.js";
import { composeDigest, dateLabel, renderDigest, type ComposeInput } from "#src/digest/compose.js";

/** A reader's links, in the order the markers number them. */
const LINKS = ["viewUrl", "preferencesUrl", "unsubscribeUrl"] as const;

// "=" is one of the characters Handlebars escapes: a marker says whether its place escapes the link.
const NONCE = randomBytes(6).toString("hex");
const MARKER = new RegExp(`dsp${NONCE}L([012])(=|&#x3D;)`, "g");
const markerFor = (i: number) => `dsp${NONCE}L${i}=`;

/** A filled template in pieces: `texts[i]`, then the link of `slots[i]`, …, then the last text. */
interface Pieces {
  texts: string[];
  bytes: Buffer[];
  slots: Array<{ link: number; escaped: boolean }>;
  /** mime.ts sends the part base64 whatever the links (without 8BITMIME): it takes the bytes. */
  base64: boolean;
  /** Per piece, by where it starts within a base64 line: the base64 of the whole lines it holds. */
  lines: Array<Map<number, Buffer>>;
}

interface Shape {
  subject: string;
  html: Pieces;
  text: Pieces;
}

/** What one template has made: its shapes, for one content; `broken` when its output is not its pieces. */
interface TemplateShapes {
  content: object;
  shapes: Map<string, Shape>;
  /** Shapes seen once, not built yet. */
  seen: Set<string>;
  broken: boolean;
  /** Octets of base64 lines its shapes keep (see encodedSpan), at most LINES_BUDGET. */
  linesCached: number;
}

export interface ShapedDigest {
  subject: string;
  html: PartContent;
  text: PartContent;
}

const byTemplate = new WeakMap<CompiledEmail, TemplateShapes>();
const MAX_SHAPES = 256;
const MAX_SEEN = 4096;

/**
 * The digest of this input, from its shape. `content`: what the input's stories, relations and category
 * names come from (shapes are kept while it stays the same). `bytes`: the composer takes UTF-8 bytes
 * for base64 parts (it is not sending 8bit). A shape is built at its second digest (an edition whose
 * digests all differ costs one fill each, as without shapes), and that digest is also filled in full and
 * compared: a template whose output is not its pieces (a helper reading a link, say) is filled in full
 * from then on.
 */
export function renderShaped(template: CompiledEmail, input: ComposeInput, content: object, bytes: boolean): ShapedDigest {
  let state = byTemplate.get(template);
  if (!state || state.content !== content) {
    byTemplate.set(template, (state = { content, shapes: new Map(), seen: new Set(), broken: false, linesCached: 0 }));
  }
  if (state.broken) return fullRender(template, input);
  const key = shapeKey(input);
  let shape = state.shapes.get(key);
  if (!shape) {
    const full = fullRender(template, input);
    if (!state.seen.delete(key)) {
      if (state.seen.size >= MAX_SEEN) state.seen.clear();
      state.seen.add(key);
      return full;
    }
    shape = shapeOf(template, input);
    const links = input.links;
    if (!shape || shape.subject !== full.subject || joined(shape.html, links) !== full.html || joined(shape.text, links) !== full.text) {
      state.broken = true;
      return full;
    }
    if (state.shapes.size >= MAX_SHAPES) {
      state.shapes.clear();
      state.linesCached = 0;
    }
    state.shapes.set(key, shape);
    return full;
  }
  return { subject: shape.subject, html: partOf(state, shape.html, input.links, bytes, html), text: partOf(state, shape.text, input.links, bytes, text) };
}

function fullRender(template: CompiledEmail, input: ComposeInput): ShapedDigest {
  const { view, html, text } = renderDigest(template, input);
  return { subject: view.subject, html, text };
}

/** Everything the view is made of but the links (content aside, which keys the whole cache). */
function shapeKey(input: ComposeInput): string {
  let key = `${input.frequency}\n${dateLabel(input.now, input.timezone)}\n${input.relatedCount ?? ""}\n${input.publisher.name}\n${input.publisher.address}\n`;
  for (const story of input.topStories) key += `${story.articleId},`;
  return key;
}

function shapeOf(template: CompiledEmail, input: ComposeInput): Shape | undefined {
  const links = { viewUrl: markerFor(0), preferencesUrl: markerFor(1), unsubscribeUrl: markerFor(2) };
  const view = composeDigest({ ...input, links });
  const htmlPieces = piecesOf(template.html(view));
  const textPieces = piecesOf(template.text(view));
  return htmlPieces && textPieces ? { subject: view.subject, html: htmlPieces, text: textPieces } : undefined;
}

// A link with a line break (or not ASCII) could change whether the part goes base64 (alwaysBase64): the
// digest is then sent from its text.
const PLAIN_LINK = /^[\x20-\x7e]*$/;

function piecesOf(filled: string): Pieces | undefined {
  const texts: string[] = [];
  const slots: Pieces["slots"] = [];
  let from = 0;
  for (const match of filled.matchAll(MARKER)) {
    texts.push(filled.slice(from, match.index));
    slots.push({ link: Number(match[1]), escaped: match[2] !== "=" });
    from = match.index + match[0].length;
  }
  texts.push(filled.slice(from));
  // A marker changed on its way (a helper encoding it, say): not a template these pieces can rebuild.
  if (texts.some((t) => t.includes(`dsp${NONCE}`))) return undefined;
  // Links only lengthen a line: what holds for the pieces together holds for every digest made of them.
  const base64 = alwaysBase64(texts.join(""));
  return { texts, bytes: texts.map((t) => Buffer.from(t, "utf8")), slots, base64, lines: texts.map(() => new Map()) };
}

function linkFor(pieces: Pieces, i: number, links: ComposeInput["links"]): string {
  const slot = pieces.slots[i]!;
  const link = links[LINKS[slot.link]!];
  return slot.escaped ? escapeHtml(link) : link;
}

function joined(pieces: Pieces, links: ComposeInput["links"]): string {
  let out = pieces.texts[0]!;
  for (let i = 0; i < pieces.slots.length; i++) out += linkFor(pieces, i, links) + pieces.texts[i + 1]!;
  return out;
}

// Where a digest's parts are put together; mime.ts reads them before the next digest is.
const html = { buffer: Buffer.allocUnsafeSlow(64 * 1024) };
const text = { buffer: Buffer.allocUnsafeSlow(16 * 1024) };

function partOf(state: TemplateShapes, pieces: Pieces, links: ComposeInput["links"], bytes: boolean, scratch: { buffer: Buffer }): PartContent {
  if (!bytes || !pieces.base64) return joined(pieces, links);
  const values: string[] = [];
  let size = 0;
  for (const b of pieces.bytes) size += b.length;
  for (let i = 0; i < pieces.slots.length; i++) {
    const value = linkFor(pieces, i, links);
    if (!PLAIN_LINK.test(value)) return joined(pieces, links);
    values.push(value);
    size += value.length;
  }
  if (size === 0) return "";
  if (size > scratch.buffer.length) scratch.buffer = Buffer.allocUnsafeSlow(size * 2);
  const into = scratch.buffer;
  const encoded: EncodedSpan[] = [];
  let at = 0;
  for (let i = 0; i < pieces.bytes.length; i++) {
    if (i > 0) at += into.write(values[i - 1]!, at, "latin1");
    const span = encodedSpan(state, pieces, i, at);
    if (span) encoded.push(span);
    at += pieces.bytes[i]!.copy(into, at);
  }
  return { utf8: into.subarray(0, at), encoded };
}

// Base64 takes 57 octets to a line. A piece's whole lines depend only on where it starts within one, and
// a digest's links vary in length by a few characters: each long piece is encoded a few times, not per
// digest. Bounded per template (counted from the last time its shapes were dropped; a piece of 40 KB has at most 57 starts).
const LINE = BASE64_LINE_OCTETS;
const MIN_LINES = 8;
const LINES_BUDGET = 64 * 1024 * 1024;

function encodedSpan(state: TemplateShapes, pieces: Pieces, i: number, start: number): EncodedSpan | undefined {
  const piece = pieces.bytes[i]!;
  const offset = (LINE - (start % LINE)) % LINE;
  const count = Math.floor((piece.length - offset) / LINE);
  if (count < MIN_LINES) return undefined;
  const cache = pieces.lines[i]!;
  let lines = cache.get(start % LINE);
  if (!lines) {
    lines = base64Lines(piece.subarray(offset, offset + count * LINE));
    if (state.linesCached + lines.length > LINES_BUDGET) return undefined;
    state.linesCached += lines.length;
    cache.set(start % LINE, lines);
  }
  return { from: start + offset, to: start + offset + count * LINE, lines };
}
