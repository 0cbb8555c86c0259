// Partner keys (hashed) and their requests per day. Only place with partner-key SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface PartnerKeyRow {
  id: number;
  partnerSlug: string;
  partnerEnabled: boolean;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface PartnerKeyListing extends Omit<PartnerKeyRow, "partnerSlug" | "partnerEnabled" | "id"> {
  /** {"2026-11-25": 12}: requests per UTC day. */
  requests: Record<string, number>;
}

export function createPartnerKeyStore(db: Kysely<Database>) {
  const withPartner = () =>
    db
      .selectFrom("partner_keys")
      .innerJoin("partners", "partners.id", "partner_keys.partner_id")
      .select([
        "partner_keys.id",
        "partners.slug as partnerSlug",
        "partners.enabled",
        "partner_keys.prefix",
        "partner_keys.created_at",
        "partner_keys.revoked_at",
      ]);
  const toRow = (r: { id: number; partnerSlug: string; enabled: number; prefix: string; created_at: string; revoked_at: string | null }): PartnerKeyRow => ({
    id: r.id,
    partnerSlug: r.partnerSlug,
    partnerEnabled: r.enabled === 1,
    prefix: r.prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  });

  return {
    /** Returns false when the partner does not exist. */
    async insert(partnerSlug: string, key: { prefix: string; hash: string }, now: string): Promise<boolean> {
      const partner = await db.selectFrom("partners").select("id").where("slug", "=", partnerSlug).executeTakeFirst();
      if (!partner) return false;
      await db.insertInto("partner_keys").values({ partner_id: partner.id, prefix: key.prefix, hash: key.hash, created_at: now }).execute();
      return true;
    },

    async byHash(hash: string): Promise<PartnerKeyRow | undefined> {
      const row = await withPartner().where("partner_keys.hash", "=", hash).executeTakeFirst();
      return row ? toRow(row) : undefined;
    },

    async byPrefix(partnerSlug: string, prefix: string): Promise<PartnerKeyRow | undefined> {
      const row = await withPartner().where("partners.slug", "=", partnerSlug).where("partner_keys.prefix", "=", prefix).executeTakeFirst();
      return row ? toRow(row) : undefined;
    },

    async revoke(id: number, now: string): Promise<void> {
      await db.updateTable("partner_keys").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).execute();
    },

    async list(partnerSlug: string): Promise<PartnerKeyListing[]> {
      const keys = await withPartner().where("partners.slug", "=", partnerSlug).orderBy("partner_keys.id").execute();
      if (!keys.length) return [];
      const counts = await db
        .selectFrom("partner_key_requests")
        .select(["key_id", "day", "requests"])
        .where(
          "key_id",
          "in",
          keys.map((k) => k.id),
        )
        .orderBy("day")
        .execute();
      return keys.map((k) => ({
        prefix: k.prefix,
        createdAt: k.created_at,
        revokedAt: k.revoked_at,
        requests: Object.fromEntries(counts.filter((c) => c.key_id === k.id).map((c) => [c.day, Number(c.requests)])),
      }));
    },

    /** Adds counts to what is stored per key and day. */
    async addRequests(rows: Array<{ keyId: number; day: string; requests: number }>): Promise<void> {
      if (!rows.length) return;
      await db
        .insertInto("partner_key_requests")
        .values(rows.map((r) => ({ key_id: r.keyId, day: r.day, requests: r.requests })))
        .onConflict((oc) =>
          oc.columns(["key_id", "day"]).doUpdateSet((eb) => ({ requests: eb("partner_key_requests.requests", "+", eb.ref("excluded.requests")) })),
        )
        .execute();
    },
  };
}
