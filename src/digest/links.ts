// The links a digest carries, built from signed, purpose-bound subscriber tokens; story links go
// through /r/{token} (a token naming the story, not the reader) when clicks are counted.
import type { Tokens } from "#src/subscribers/tokens.js";
import type { ClickTokens } from "#src/clicks/token.js";
import { clickUrl } from "#src/clicks/links.js";
import { preferencesUrl, unsubscribeUrl } from "#src/subscribers/links.js";
import type { DigestLinks } from "#src/digest/deps.js";

/** Without click tokens (CLICK_TRACKING=off), story links point straight to the story. */
export function digestLinks(baseUrl: string, tokens: Tokens, clicks?: ClickTokens): DigestLinks {
  // A digest asks for its view and preferences links one after the other, with the same token (it
  // never expires): signed once. HMAC is a tenth of the main thread's work per message otherwise.
  let last = { id: -1, version: -1, token: "" };
  const preferencesToken = (id: number, version: number): string => {
    if (last.id !== id || last.version !== version) last = { id, version, token: tokens.sign(id, version, "preferences") };
    return last.token;
  };
  return {
    story: (articleId, target) => (clicks ? clickUrl(baseUrl, clicks, articleId) : target),
    preferences: (id, version) => preferencesUrl(baseUrl, preferencesToken(id, version)),
    unsubscribe: (id, version) => unsubscribeUrl(baseUrl, tokens.sign(id, version, "unsubscribe")),
    // The preferences token doubles as the key to one's own past digests: same owner, no expiry.
    view: (edition, id, version) => `${baseUrl}/digest/view?edition=${edition}&token=${encodeURIComponent(preferencesToken(id, version))}`,
  };
}

/** The domain of MAIL_FROM ("Dispatch <digest@news.example.com>" → news.example.com), else BASE_URL's host. */
export function mailHostOf(mailFrom: string, baseUrl: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom.trim());
  return match?.[1]?.toLowerCase() ?? new URL(baseUrl).hostname;
}
