// Partner keys: issued once in clear, stored as a sha256 hash, addressed by their prefix, revocable.
// Checks are cached for a few seconds so polling partners cost no query per request; a revoke
// clears the cache at once, here and (through `onRevoke`, over Redis) in every other process.
import { createHash, randomBytes } from "node:crypto";
import { NotFoundError } from "#src/errors.js";
import type { Partner } from "#src/model.js";
import type { PartnerKeyListing, PartnerKeyRow } from "#src/store/partner-keys.js";

export interface PartnerKeyPort {
  partners: { get(slug: string): Promise<Partner | undefined> };
  keys: {
    insert(partnerSlug: string, key: { prefix: string; hash: string }, now: string): Promise<boolean>;
    byHash(hash: string): Promise<PartnerKeyRow | undefined>;
    byPrefix(partnerSlug: string, prefix: string): Promise<PartnerKeyRow | undefined>;
    revoke(id: number, now: string): Promise<void>;
    list(partnerSlug: string): Promise<PartnerKeyListing[]>;
  };
}

export type KeyCheck = { status: "ok"; keyId: number; partner: string } | { status: "unknown" } | { status: "revoked" };

const CHECK_TTL_MS = 5_000;
const MAX_CACHED_CHECKS = 10_000;
const KEY_SHAPE = /^dpk_([0-9a-f]{10})_[A-Za-z0-9_-]{32}$/;

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function createPartnerKeys(port: PartnerKeyPort, options: { now?: () => Date; onRevoke?: () => void } = {}) {
  const now = options.now ?? (() => new Date());
  const checks = new Map<string, { check: KeyCheck; until: number }>();
  // Bumped by every clear: a lookup that began before a revoke must not cache its stale answer after it.
  let generation = 0;
  const forget = () => {
    generation++;
    checks.clear();
  };

  async function partnerOrThrow(slug: string): Promise<Partner> {
    const partner = await port.partners.get(slug);
    if (!partner) throw new NotFoundError(`partner "${slug}" not found`);
    return partner;
  }

  async function lookup(key: string): Promise<KeyCheck> {
    if (!KEY_SHAPE.test(key)) return { status: "unknown" };
    const row = await port.keys.byHash(hashKey(key));
    if (!row) return { status: "unknown" };
    if (row.revokedAt || !row.partnerEnabled) return { status: "revoked" };
    return { status: "ok", keyId: row.id, partner: row.partnerSlug };
  }

  return {
    /** A new key for the partner; the only time it exists in clear. */
    async issue(slug: string): Promise<{ key: string; prefix: string }> {
      await partnerOrThrow(slug);
      const prefix = randomBytes(5).toString("hex");
      const key = `dpk_${prefix}_${randomBytes(24).toString("base64url")}`;
      await port.keys.insert(slug, { prefix, hash: hashKey(key) }, now().toISOString());
      return { key, prefix };
    },

    async revoke(slug: string, prefix: string): Promise<void> {
      await partnerOrThrow(slug);
      const row = await port.keys.byPrefix(slug, prefix);
      if (!row) throw new NotFoundError(`partner "${slug}" has no key "${prefix}"`);
      await port.keys.revoke(row.id, now().toISOString());
      forget();
      options.onRevoke?.();
    },

    /** A partner was saved (perhaps disabled): its keys' cached checks go, here and everywhere. */
    partnerChanged(): void {
      forget();
      options.onRevoke?.();
    },

    /** Drops the cached checks (a key was revoked in another process). */
    forgetChecks(): void {
      forget();
    },

    async list(slug: string): Promise<PartnerKeyListing[]> {
      await partnerOrThrow(slug);
      return port.keys.list(slug);
    },

    async check(key: string): Promise<KeyCheck> {
      const at = Date.now();
      const cached = checks.get(key);
      if (cached && cached.until > at) return cached.check;
      const before = generation;
      const check = await lookup(key);
      if (generation !== before) return check;
      if (checks.size >= MAX_CACHED_CHECKS) checks.clear();
      checks.set(key, { check, until: at + CHECK_TTL_MS });
      return check;
    },
  };
}

export type PartnerKeys = ReturnType<typeof createPartnerKeys>;
