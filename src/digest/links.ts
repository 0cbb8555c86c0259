// The links a digest carries, built from signed, purpose-bound subscriber tokens.
import type { Tokens } from "#src/subscribers/tokens.js";
import { preferencesUrl, unsubscribeUrl } from "#src/subscribers/links.js";
import type { DigestLinks } from "#src/digest/deliver.js";

export function digestLinks(baseUrl: string, tokens: Tokens): DigestLinks {
  return {
    preferences: (id, version) => preferencesUrl(baseUrl, tokens.sign(id, version, "preferences")),
    unsubscribe: (id, version) => unsubscribeUrl(baseUrl, tokens.sign(id, version, "unsubscribe")),
    // The preferences token doubles as the key to one's own past digests: same owner, no expiry.
    view: (edition, id, version) => `${baseUrl}/digest/view?edition=${edition}&token=${encodeURIComponent(tokens.sign(id, version, "preferences"))}`,
  };
}

/** The domain of MAIL_FROM ("Dispatch <digest@news.example.com>" → news.example.com), else BASE_URL's host. */
export function mailHostOf(mailFrom: string, baseUrl: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom.trim());
  return match?.[1]?.toLowerCase() ?? new URL(baseUrl).hostname;
}
