// The MIME bytes of a Dispatch message, written directly: a text and an HTML part in a
// multipart/alternative (or the one part when the other is empty), the headers in the order and
// form nodemailer's MailComposer gives them. nodemailer's own helpers do the tricky parts (address
// parsing and formatting, RFC 2047 encoded words, folding); this file only assembles.
import { randomUUID } from "node:crypto";
import MimeNode from "nodemailer/lib/mime-node";
import { foldLines, quoteString } from "nodemailer/lib/mime-funcs";
import addressparser from "nodemailer/lib/addressparser";
import { DispatchError } from "#src/errors.js";

/**
 * A part given as its UTF-8 bytes, by a producer that vouches it goes base64 without 8BITMIME: it holds
 * a character that is not 7-bit, or a line over 76 and no CR (render-shapes.ts builds digests so, from
 * pieces it checked once). The bytes are read at once: the producer may reuse them afterwards.
 */
export interface Utf8Content {
  utf8: Buffer;
  /**
   * Spans of `utf8` whose base64 is known: `lines` is base64Lines() of `utf8.subarray(from, to)`, copied
   * in place of encoding them. `from` and `to` fall on line boundaries (multiples of 57 octets), in order.
   */
  encoded?: EncodedSpan[] | undefined;
}

export interface EncodedSpan {
  from: number;
  to: number;
  lines: Buffer;
}

/** A part's content: text, or its UTF-8 bytes (see Utf8Content). */
export type PartContent = string | Utf8Content;

/** What the message is made of (MailMessage, with the sender and the transfer choice). */
export interface MimeInput {
  from: string;
  to: string;
  subject: string;
  html: PartContent;
  text: PartContent;
  messageId?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** The server takes 8BITMIME: non-ASCII parts go 8bit (when every line fits 998 octets). */
  eightBit?: boolean | undefined;
  /** For tests: the Date header and the boundary; now and random otherwise. */
  date?: Date | undefined;
  boundary?: string | undefined;
}

/**
 * A body piece. "ascii": our own lines (delimiters, part headers); "base64": a part's base64, one
 * line, wrapped at 76 when written; "text": a part as given (7bit, 8bit), CRLF line ends. Only
 * "text" can hold whitespace that DKIM's relaxed canonicalization changes.
 */
export interface BodySegment {
  kind: "ascii" | "base64" | "text";
  text: string;
  /** A base64 segment given as UTF-8 (then `text` is empty). */
  utf8?: Utf8Content;
  /** Its length as written. */
  bytes?: number;
}

export interface MimeMessage {
  messageId: string;
  /** Header fields in order, each folded ("Key: value", continuation lines with CRLF + space). */
  headers: { key: string; line: string }[];
  body: BodySegment[];
  /** multipart/alternative: the body ends with the close delimiter's CRLF, and only "text" segments need canonicalizing. */
  multipart: boolean;
  /** Some part is 8bit: the SMTP sender announces BODY=8BITMIME. */
  eightBit: boolean;
}

/** A header or an address composeMail refuses: it would change the message's structure. */
export class MailComposeError extends DispatchError {
  constructor(message: string) {
    super("mail_compose", message);
  }
}

// Encodes header values as MailComposer does with textEncoding "base64": encoded words in B.
// One node, used for its encoder only (it keeps no state between calls).
const encoder = new MimeNode(false, { textEncoding: "B" });

// Headers composeMail writes itself: an extra header by one of these names would make two.
const OWN_HEADERS = new Set(["from", "to", "subject", "date", "message-id", "mime-version", "dkim-signature", "sender", "bcc"]);

// RFC 5322 field name: printable ASCII but the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

// Encoded header lines by key and value: an edition's From, List-Id, X-Dispatch-Edition and most
// often its Subject are the same for every recipient. Bounded; cleared when full.
const lineCache = new Map<string, string>();
const LINE_CACHE_SIZE = 512;

// Headers nodemailer encodes as structured (addresses, message ids…); any other it writes as given when
// the value is printable ASCII (an encoded word only for what is not): a subscriber's List-Unsubscribe.
const STRUCTURED = new Set(["From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Message-ID", "In-Reply-To", "Content-ID", "OTP-Token", "References"]);
const UNSTRUCTURED_ASCII = (key: string, value: string) => !STRUCTURED.has(key) && /^[\x20-\x7e]*$/.test(value);

function headerLine(key: string, value: string): string {
  const cacheKey = `${key}\n${value}`;
  let line = lineCache.get(cacheKey);
  if (line === undefined) {
    line = foldLines(`${key}: ${key === "List-ID" ? listId(value) : UNSTRUCTURED_ASCII(key, value) ? value : encoder.encodeHeaderValue(key, value)}`, 76);
    if (lineCache.size >= LINE_CACHE_SIZE) lineCache.clear();
    lineCache.set(cacheKey, line);
  }
  return line;
}

const keys = new Map<string, string>();

/**
 * List-Id (RFC 2919) is a phrase and a <list-label>: only the phrase may be an encoded word. nodemailer
 * encodes the whole value when the phrase is not ASCII, and readers then find no label in it.
 */
function listId(value: string): string {
  const match = /^(.*?)\s*(<[\x21-\x3b\x3d\x3f-\x7e]+>)\s*$/.exec(value.replace(/\r\n|\r|\n/g, " "));
  const phrase = match?.[1];
  if (!match || !phrase) return encoder.encodeHeaderValue("List-ID", value);
  // A phrase is words: not ASCII, encoded words; with specials ("News, Inc."), a quoted string.
  if (NOT_7BIT.test(phrase)) return `${encoder.encodeHeaderValue("List-ID", phrase)} ${match[2]!}`;
  return `${/^[\w!#$%&'*+\-/=?^`{|}~. ]*$/.test(phrase) ? phrase : quoteString(phrase)} ${match[2]!}`;
}

/** The header name as nodemailer writes it ("list-id" → "List-ID", "mime-version" → "MIME-Version"). */
function normalizeKey(key: string): string {
  let normal = keys.get(key);
  if (normal === undefined) {
    normal = key
      .toLowerCase()
      .replace(/^X-SMTPAPI$|^(MIME|DKIM|ARC|BIMI)\b|^OTP(?=-Token$)|^[a-z]|-(SPF|FBL|ID|MD5)$|-[a-z]/gi, (c) => c.toUpperCase())
      .replace(/^Content-Features$/i, "Content-features");
    if (keys.size >= 64) keys.clear();
    keys.set(key, normal);
  }
  return normal;
}

// The domain of Message-IDs we generate: the From address's, as nodemailer takes it.
const fromDomains = new Map<string, string>();

function fromDomain(from: string): string {
  let domain = fromDomains.get(from);
  if (domain === undefined) {
    const first = addressparser(from, { flatten: true })[0];
    domain = (first && "address" in first && first.address ? first.address : "localhost").split("@").pop() ?? "localhost";
    if (fromDomains.size >= 8) fromDomains.clear();
    fromDomains.set(from, domain);
  }
  return domain;
}

// Control characters (CR, LF, NUL…) have no place in the recipient (a header and the envelope), nor
// whitespace in a Message-ID: refused, not cleaned, so no caller mistake goes unnoticed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\x00-\x20\x7f]/;

type Part = { contentType: string; encoding: "7bit" | "8bit"; content: string } | { contentType: string; encoding: "base64"; content: PartContent };

/** Composes the message; throws MailComposeError on a header or an address it refuses. */
export function composeMime(input: MimeInput): MimeMessage {
  if (CONTROL.test(input.from)) throw new MailComposeError("mail: the From address holds a control character");
  if (!input.to.trim() || CONTROL.test(input.to)) throw new MailComposeError("mail: the recipient address is empty or holds a control character");
  if (input.messageId && CONTROL_OR_SPACE.test(input.messageId)) throw new MailComposeError("mail: the Message-ID holds whitespace or a control character");
  const messageId = input.messageId ? encoder.encodeHeaderValue("Message-ID", input.messageId) : `<${randomUUID()}@${fromDomain(input.from)}>`;
  const headers: { key: string; line: string }[] = [];
  for (const [rawKey, value] of Object.entries(input.headers ?? {})) {
    if (!FIELD_NAME.test(rawKey)) throw new MailComposeError("mail: an extra header's name is not a valid field name");
    const key = normalizeKey(rawKey);
    const lower = key.toLowerCase();
    if (OWN_HEADERS.has(lower) || lower.startsWith("content-")) throw new MailComposeError(`mail: the extra header ${key} is composeMail's own`);
    // Line breaks become spaces and other controls encoded words (nodemailer's rules): never a header of their own.
    if (!String(value ?? "").trim()) continue;
    headers.push({ key: lower, line: headerLine(key, value) });
  }
  headers.push({ key: "from", line: headerLine("From", input.from) });
  headers.push({ key: "to", line: foldLines(`To: ${recipient(input.to)}`, 76) });
  if (input.subject) headers.push({ key: "subject", line: headerLine("Subject", input.subject) });
  headers.push({ key: "message-id", line: foldLines(`Message-ID: ${messageId}`, 76) });

  const parts: Part[] = [];
  if (input.text) parts.push(part("text/plain; charset=utf-8", input.text, input.eightBit === true));
  if (input.html) parts.push(part("text/html; charset=utf-8", input.html, input.eightBit === true));
  const date = `Date: ${(input.date ?? new Date()).toUTCString().replace(/GMT/, "+0000")}`;
  const eightBit = parts.some((p) => p.encoding === "8bit");

  if (parts.length < 2) {
    const only = parts[0];
    if (only) headers.push({ key: "content-transfer-encoding", line: `Content-Transfer-Encoding: ${only.encoding}` });
    headers.push({ key: "date", line: date }, { key: "mime-version", line: "MIME-Version: 1.0" });
    headers.push({ key: "content-type", line: `Content-Type: ${only?.contentType ?? "text/plain"}` });
    // The message ends with a line break, as nodemailer ends it.
    const body = only ? [encodedContent(only)] : [];
    if (body[0] && !(body[0].kind === "text" && body[0].text.endsWith("\n"))) body.push({ kind: "ascii", text: "\r\n" });
    return { messageId, headers, body, multipart: false, eightBit };
  }

  let boundary = input.boundary ?? newBoundary();
  // Random, and base64 cannot hold "_": only a part given as is could hold it, and then one is drawn again.
  while (parts.some((p) => p.encoding !== "base64" && p.content.includes(boundary))) boundary = newBoundary();
  headers.push({ key: "date", line: date }, { key: "mime-version", line: "MIME-Version: 1.0" });
  headers.push({ key: "content-type", line: `Content-Type: multipart/alternative;\r\n boundary="${boundary}"` });
  const body: BodySegment[] = [];
  parts.forEach((p, i) => {
    body.push({ kind: "ascii", text: `${i ? "\r\n" : ""}--${boundary}\r\nContent-Type: ${p.contentType}\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n` });
    body.push(encodedContent(p));
  });
  body.push({ kind: "ascii", text: `\r\n--${boundary}--\r\n` });
  return { messageId, headers, body, multipart: true, eightBit };
}

// A plain address nodemailer writes as it is (its parsing cost more than the rest of the headers): a
// dot-atom of common characters, a lower-case ASCII domain whose last label starts with a letter (else it
// may read as an IPv4 address), no "--" (an IDN's A-label, which it may rewrite).
const PLAIN_RECIPIENT = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

function recipient(to: string): string {
  return PLAIN_RECIPIENT.test(to) && !to.includes("--") ? to : encoder.encodeHeaderValue("To", to);
}

function newBoundary(): string {
  return `--_NmP-${randomUUID().replace(/-/g, "").slice(0, 16)}-Part_1`;
}

// Text nodemailer sends as is (7bit): ASCII with no control but TAB, CR and LF, and no line over 76.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_7BIT = /[\x00-\x08\x0b\x0c\x0e-\x1f\u0080-\uffff]/;
const LONGER_THAN_76 = /^.{77,}/m;

/**
 * Text that goes base64 to a server without 8BITMIME (part() below), and still does with any printable
 * ASCII put into it that has no line break: a character that is not 7-bit, or a line over 76 and no CR.
 */
export function alwaysBase64(text: string): boolean {
  return NOT_7BIT.test(text) || (!text.includes("\r") && LONGER_THAN_76.test(text));
}

function part(contentType: string, given: PartContent, eightBitAllowed: boolean): Part {
  if (typeof given !== "string" && !eightBitAllowed) return { contentType, encoding: "base64", content: given };
  const content = typeof given === "string" ? given : given.utf8.toString("utf8");
  // Without 8BITMIME a long line decides (the usual HTML part): no need to measure every line or scan
  // for non-ASCII (a regular expression finds the first long line faster than measuring them all).
  if (!eightBitAllowed && !content.includes("\r") && LONGER_THAN_76.test(content)) return { contentType, encoding: "base64", content };
  const longest = longestLine(content);
  const ascii = !NOT_7BIT.test(content);
  if (!ascii && !eightBitAllowed) return { contentType, encoding: "base64", content };
  // nodemailer's rule, unchanged: 7bit if plain ASCII with lines of 76 at most.
  if (ascii && longest <= 76 && !LONGER_THAN_76.test(content)) return { contentType, encoding: "7bit", content };
  // With 8BITMIME: 8bit data (RFC 2045 2.8), no NUL and lines of 998 octets at most (ASCII: 7bit).
  if (eightBitAllowed && !content.includes("\0") && (longest <= 332 || linesFit998(content)))
    return { contentType, encoding: ascii ? "7bit" : "8bit", content };
  return { contentType, encoding: "base64", content };
}

/** The longest line, in UTF-16 code units (a lone CR counts as a line's content: an upper bound). */
function longestLine(content: string): number {
  let longest = 0;
  let from = 0;
  for (let at = content.indexOf("\n"); at >= 0; at = content.indexOf("\n", (from = at + 1))) longest = Math.max(longest, at - from);
  return Math.max(longest, content.length - from);
}

/** Every line fits 998 octets in UTF-8 (a UTF-16 code unit is 3 octets at most: only lines over 332 units are measured). */
function linesFit998(content: string): boolean {
  for (const line of content.split(/\r\n|\r|\n/)) {
    if (line.length > 332 && Buffer.byteLength(line, "utf8") > 998) return false;
  }
  return true;
}

function encodedContent(p: Part): BodySegment {
  if (p.encoding === "base64")
    return typeof p.content === "string" ? { kind: "base64", text: base64(p.content) } : { kind: "base64", text: "", utf8: p.content };
  // Lines end in CRLF on the wire and in what DKIM hashes: a bare LF or CR is a line break.
  return { kind: "text", text: p.content.includes("\r") ? p.content.replace(/\r\n|\r|\n/g, "\r\n") : p.content.replaceAll("\n", "\r\n") };
}

// Buffers kept for the UTF-8 bytes of a part on their way to base64, and for writing the message:
// allocating them for each message cost more than the encoding (measured: 80 µs vs 16 µs for 30 KB).
let utf8 = Buffer.allocUnsafeSlow(64 * 1024);
let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/** The UTF-8 bytes in base64, one line. */
function base64(content: string): string {
  if (content.length * 3 > utf8.length) utf8 = Buffer.allocUnsafeSlow(content.length * 3);
  return utf8.toString("base64", 0, utf8.write(content, 0, "utf8"));
}

/** The message's bytes, in a buffer reused by the next call (copy them), and where the body starts. */
export function writeMime(mime: MimeMessage): { bytes: Buffer; bodyAt: number } {
  let head = "";
  for (const header of mime.headers) head += `${header.line}\r\n`;
  head += "\r\n";
  // A UTF-16 code unit is 3 UTF-8 octets at most; base64 gains 2 octets a line of 76.
  let bound = head.length * 3;
  for (const segment of mime.body) bound += segment.utf8 ? Math.ceil(segment.utf8.utf8.length / 57) * 78 + 4 : segment.text.length * 3;
  if (bound > scratch.length) scratch = Buffer.allocUnsafeSlow(bound);
  let at = scratch.write(head, 0, "utf8");
  const bodyAt = at;
  for (const segment of mime.body) {
    if (segment.utf8) segment.bytes = writeUtf8Base64(scratch, segment.utf8, at);
    else if (segment.kind === "base64") segment.bytes = writeBase64Lines(scratch, segment.text, at);
    else segment.bytes = scratch.write(segment.text, at, segment.kind === "ascii" ? "latin1" : "utf8");
    at += segment.bytes;
  }
  return { bytes: scratch.subarray(0, at), bodyAt };
}

/** Octets a base64 line of 76 characters holds. */
export const BASE64_LINE_OCTETS = 57;
const LINE = BASE64_LINE_OCTETS;

/** The base64 of whole lines' worth of bytes (a multiple of 57 octets), a CRLF after every line. */
export function base64Lines(bytes: Buffer): Buffer {
  const b64 = bytes.toString("base64");
  const out = Buffer.allocUnsafe(b64.length + (b64.length / 76) * 2);
  out.write(b64.replace(/.{76}/g, "$&\r\n"), 0, "latin1");
  return out;
}

/** The UTF-8 bytes in base64 lines at `at`, as writeBase64Lines writes them, copying the spans known; returns the length written. */
function writeUtf8Base64(into: Buffer, content: Utf8Content, at: number): number {
  const { utf8, encoded = [] } = content;
  let from = 0;
  let out = at;
  for (const span of encoded) {
    if (span.from < from || span.from % LINE || span.to % LINE || span.to > utf8.length) throw new Error("mail: an encoded span is out of place");
    if (span.from > from) {
      out += writeBase64Lines(into, utf8.toString("base64", from, span.from), out);
      into[out++] = 0x0d;
      into[out++] = 0x0a;
    }
    out += span.lines.copy(into, out);
    from = span.to;
  }
  if (from < utf8.length || !encoded.length) out += writeBase64Lines(into, utf8.toString("base64", from), out);
  // The last line has no line break after it.
  else out -= 2;
  return out - at;
}

/** Writes base64 at `at` in lines of 76 (CRLF between them, none after the last); returns the length written. */
function writeBase64Lines(into: Buffer, b64: string, at: number): number {
  const lines = Math.max(1, Math.ceil(b64.length / 76));
  const length = b64.length + 2 * (lines - 1);
  // Written in one piece at its place, then each line moved up to its own place, last one first.
  into.write(b64, at, "latin1");
  for (let line = lines - 1; line > 0; line--) {
    const from = at + line * 76;
    const to = from + 2 * line;
    into.copyWithin(to, from, Math.min(from + 76, at + b64.length));
    into[to - 2] = 0x0d;
    into[to - 1] = 0x0a;
  }
  return length;
}
