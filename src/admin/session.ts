// Admin sessions: a signed, expiring value in a cookie, with no state on the server.
// The signing key is derived from the admin key, so changing ADMIN_API_KEY ends every session.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface SessionCodec {
  issue(now: Date): { value: string; expires: Date };
  /** True when the value was issued by this codec and has not expired. */
  valid(value: string | undefined, now: Date): boolean;
}

export function createSessionCodec(adminKey: string, ttlMs: number): SessionCodec {
  const secret = createHash("sha256").update(`dispatch admin session\0${adminKey}`).digest();
  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  return {
    issue(now) {
      const expires = new Date(now.getTime() + ttlMs);
      const payload = `${expires.getTime().toString(36)}.${randomBytes(12).toString("base64url")}`;
      return { value: `${payload}.${sign(payload)}`, expires };
    },
    valid(value, now) {
      if (typeof value !== "string" || value.length > 200) return false;
      const cut = value.lastIndexOf(".");
      if (cut < 0) return false;
      const payload = value.slice(0, cut);
      const given = Buffer.from(value.slice(cut + 1));
      const expected = Buffer.from(sign(payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
      const expiresAt = parseInt(payload.split(".")[0] ?? "", 36);
      return Number.isFinite(expiresAt) && expiresAt > now.getTime();
    },
  };
}
