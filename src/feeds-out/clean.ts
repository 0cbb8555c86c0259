// Makes article fields safe to put in any feed format: feed@6 throws on relative URLs, lets
// control characters into CDATA (ill-formed XML) and prints "Invalid Date".
import mime from "mime-types";

// Characters XML 1.0 forbids: C0 controls but tab, LF, CR; U+FFFE/U+FFFF; unpaired surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, "");
}

/** An absolute http(s) URL, resolving relative ones against the base; null when it cannot be one. */
export function absoluteUrl(url: string | null | undefined, baseUrl: string): string | null {
  if (!url) return null;
  try {
    const resolved = new URL(xmlSafe(url).trim(), `${baseUrl}/`);
    return resolved.protocol === "http:" || resolved.protocol === "https:" ? resolved.href : null;
  } catch {
    return null;
  }
}

/** The first of the given times that is a real date, else the fallback. */
export function validDate(fallback: Date, ...candidates: Array<string | null | undefined>): Date {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const date = new Date(candidate);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return fallback;
}

/** The declared MIME type, or one guessed from the URL's extension. */
export function imageType(declared: string | null | undefined, url: string): string {
  if (declared && /^[\w.+-]+\/[\w.+-]+$/.test(declared)) return declared;
  const guessed = mime.lookup(new URL(url).pathname);
  return guessed && guessed.startsWith("image/") ? guessed : "image/jpeg";
}
