// The one form an email address is stored and looked up in. A leaf module: subscribers/, digest/
// (bounce reports) and http/ (rate limits per address) all normalize the same way.

/** Trimmed, domain lower-cased; the local part keeps its case (RFC 5321 lets servers honour it). */
export function normalizeEmail(value: string): string {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf("@");
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}
