// Admin sessions: a signed, expiring value in a cookie. The signing key is derived from the admin key,
// so changing ADMIN_API_KEY ends every session. Signing out ends that one session everywhere: its id
// is recorded (database, and over Redis to the other processes) until it would have expired, so a
// copied cookie stops working too.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EndedSession } from "#src/store/admin-sessions.js";

export interface SessionCodec {
  issue(now: Date): { value: string; expires: Date };
  /** True when the value was issued by this codec, has not expired and was not ended. */
  valid(value: string | undefined, now: Date): boolean;
  /** Ends the session of a valid value, here and (through onEnd) for every process. */
  end(value: string | undefined, now: Date): Promise<void>;
  /** A session ended elsewhere (another process), or loaded at start. */
  ended(session: EndedSession): void;
}

export function createSessionCodec(adminKey: string, ttlMs: number, onEnd: (session: EndedSession) => Promise<void> = async () => {}): SessionCodec {
  const secret = createHash("sha256").update(`dispatch admin session\0${adminKey}`).digest();
  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  /** Ended session ids, with the time they would have expired anyway (then they are dropped). */
  const endedIds = new Map<string, number>();

  /** The session a value carries, when its signature is ours and it has not expired. */
  function read(value: string | undefined, now: Date): EndedSession | undefined {
    if (typeof value !== "string" || value.length > 200) return undefined;
    const cut = value.lastIndexOf(".");
    if (cut < 0) return undefined;
    const payload = value.slice(0, cut);
    const given = Buffer.from(value.slice(cut + 1));
    const expected = Buffer.from(sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [expiry, id] = payload.split(".");
    const expires = parseInt(expiry ?? "", 36);
    return Number.isFinite(expires) && expires > now.getTime() && id ? { id, expires } : undefined;
  }

  function remember(session: EndedSession, now: number): void {
    for (const [id, expires] of endedIds) if (expires <= now) endedIds.delete(id);
    endedIds.set(session.id, session.expires);
  }

  return {
    issue(now) {
      const expires = new Date(now.getTime() + ttlMs);
      const payload = `${expires.getTime().toString(36)}.${randomBytes(12).toString("base64url")}`;
      return { value: `${payload}.${sign(payload)}`, expires };
    },
    valid(value, now) {
      const session = read(value, now);
      return !!session && !endedIds.has(session.id);
    },
    async end(value, now) {
      const session = read(value, now);
      if (!session) return;
      remember(session, now.getTime());
      await onEnd(session);
    },
    ended(session) {
      if (session.expires > Date.now()) remember(session, Date.now());
    },
  };
}
