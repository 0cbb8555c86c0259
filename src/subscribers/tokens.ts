// Signed, purpose-bound link tokens: base64url(payload) "." base64url(HMAC-SHA256(secret, payload)).
// The payload is "purpose.subscriberId.tokenVersion.expiresAtSeconds" (0 = no expiry). A token
// carries no personal data; bumping the subscriber's token_version kills every token sent before.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "#src/errors.js";

export type TokenPurpose = "confirm" | "preferences" | "unsubscribe";

export type TokenProblem = "malformed" | "tampered" | "expired" | "wrong_purpose" | "revoked" | "erased";

const DESCRIPTIONS: Record<TokenProblem, string> = {
  malformed: "this link is incomplete",
  tampered: "this link is not valid",
  expired: "this link has expired",
  wrong_purpose: "this link is meant for something else",
  revoked: "this link is no longer valid",
  erased: "this link no longer works",
};

/** A token that cannot be used: the link was cut, changed, is too old or is for something else. */
export class InvalidTokenError extends ValidationError {
  readonly problem: TokenProblem;
  constructor(problem: TokenProblem) {
    super(`token: ${DESCRIPTIONS[problem]}`, { token: problem });
    this.problem = problem;
  }
}

/** Confirmation links expire; preferences and unsubscribe links live until token_version changes. */
const DEFAULT_TTL_SECONDS: Record<TokenPurpose, number> = { confirm: 48 * 3600, preferences: 0, unsubscribe: 0 };

const PURPOSES: readonly TokenPurpose[] = ["confirm", "preferences", "unsubscribe"];

export interface Tokens {
  sign(subscriberId: number, tokenVersion: number, purpose: TokenPurpose, ttlSeconds?: number): string;
  verify(token: string, purpose: TokenPurpose): { subscriberId: number; tokenVersion: number };
  /** HMAC-SHA256 (hex) of a normalized address, keyed by a key derived from the secret: what an erasure keeps. */
  addressHash(email: string): string;
}

export function createTokens(secret: string, now: () => Date = () => new Date()): Tokens {
  if (secret.length < 16) throw new Error("tokens: the secret must be at least 16 characters");
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest();
  // A separate key for address hashes: a token's signature and an address hash never share one.
  const addressKey = createHmac("sha256", secret).update("erased-address").digest();
  return {
    addressHash: (email) => createHmac("sha256", addressKey).update(email).digest("hex"),
    sign(subscriberId, tokenVersion, purpose, ttlSeconds = DEFAULT_TTL_SECONDS[purpose]) {
      const expires = ttlSeconds > 0 ? Math.floor(now().getTime() / 1000) + ttlSeconds : 0;
      const payload = `${purpose}.${subscriberId}.${tokenVersion}.${expires}`;
      return `${Buffer.from(payload).toString("base64url")}.${mac(payload).toString("base64url")}`;
    },
    verify(token, purpose) {
      const [encoded, signature, extra] = String(token ?? "")
        .trim()
        .split(".");
      if (!encoded || !signature || extra !== undefined) throw new InvalidTokenError("malformed");
      const payload = Buffer.from(encoded, "base64url").toString("utf8");
      const given = Buffer.from(signature, "base64url");
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError("tampered");
      const [kind, id, version, expires] = payload.split(".");
      if (!PURPOSES.includes(kind as TokenPurpose) || !id || !version || expires === undefined) throw new InvalidTokenError("malformed");
      if (kind !== purpose) throw new InvalidTokenError("wrong_purpose");
      if (Number(expires) > 0 && Number(expires) * 1000 < now().getTime()) throw new InvalidTokenError("expired");
      return { subscriberId: Number(id), tokenVersion: Number(version) };
    },
  };
}
