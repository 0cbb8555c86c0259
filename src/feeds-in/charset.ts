// Bytes → text: the charset comes from a byte-order mark, the HTTP header, or the XML prolog, in
// that order (iconv-lite decodes ISO-8859-1, Windows-1252, UTF-16 and the rest).
import iconv from "iconv-lite";

export function decodeFeed(bytes: Buffer, contentType: string | null): string {
  const charset = bomCharset(bytes) ?? headerCharset(contentType) ?? prologCharset(bytes) ?? "utf-8";
  const text = iconv.decode(bytes, iconv.encodingExists(charset) ? alias(charset) : "utf-8");
  return text.replace(/^\uFEFF/, "");
}

function bomCharset(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  // "<?" in UTF-16 without a BOM.
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return "utf-16le";
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return "utf-16be";
  return undefined;
}

function headerCharset(contentType: string | null): string | undefined {
  const match = contentType ? /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType) : null;
  return match?.[1]?.toLowerCase();
}

function prologCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 200).toString("latin1");
  const match = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return match?.[1]?.toLowerCase();
}

/** Feeds labelled Latin-1 are, in practice, Windows-1252 (curly quotes in 0x80–0x9F): decode as browsers do. */
function alias(charset: string): string {
  if (["iso-8859-1", "latin1", "iso_8859-1", "us-ascii", "ascii"].includes(charset)) return "windows-1252";
  if (charset === "utf-16") return "utf-16le";
  return charset;
}
