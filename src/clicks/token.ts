// Click tokens: "<article id>.<base64url HMAC-SHA256, first 16 bytes>". A token names a story and
// nothing else: every subscriber's digest carries the same link for the same story, so a click
// cannot be traced to a person. The target is never in the token: it is the article's own URL.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { NotFoundError, ValidationError } from "#src/errors.js";

/** Derived from the link-token secret, so a click token can never pass for a subscriber token. */
const KEY_INFO = "dispatch click links v1";
const MAC_BYTES = 16;
const TOKEN = /^([1-9][0-9]{0,14})\.([A-Za-z0-9_-]{22})$/;

export type ClickTokenProblem = "malformed" | "tampered";

/** A click link that was cut or changed: answered 400, never redirected. */
export class InvalidClickError extends ValidationError {
  readonly problem: ClickTokenProblem;
  constructor(problem: ClickTokenProblem) {
    super(problem === "malformed" ? "click: this link is incomplete" : "click: this link is not valid", { token: problem });
    this.problem = problem;
  }
}

/** A well-signed link to a story that is no longer there. */
export class UnknownStoryError extends NotFoundError {}

export interface ClickTokens {
  sign(articleId: number): string;
  /** The article id the token names; throws InvalidClickError. */
  verify(token: string): number;
}

export function createClickTokens(tokenSecret: string): ClickTokens {
  const key = Buffer.from(hkdfSync("sha256", tokenSecret, "", KEY_INFO, 32));
  const mac = (articleId: string) => createHmac("sha256", key).update(`click.${articleId}`).digest().subarray(0, MAC_BYTES).toString("base64url");
  return {
    sign: (articleId) => `${articleId}.${mac(String(articleId))}`,
    verify(token) {
      const match = TOKEN.exec(token);
      if (!match) throw new InvalidClickError("malformed");
      // Compared as text: base64url's last character has spare bits, so decoding would accept a changed one.
      const given = Buffer.from(match[2]!);
      const expected = Buffer.from(mac(match[1]!));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidClickError("tampered");
      return Number(match[1]);
    },
  };
}
