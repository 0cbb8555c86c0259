// The digest's side of subscribers: who is active, bounces and suppression.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { AudienceMember, Frequency, Recipient, SubscriberStatus } from "#src/model.js";

export function createAudienceStore(db: Kysely<Database>) {
  return {
    async activeSubscribers(frequency: Frequency): Promise<AudienceMember[]> {
      const rows = await db
        .selectFrom("subscribers")
        .select(["id", "timezone", "send_hour"])
        .where("status", "=", "active")
        .where("frequency", "=", frequency)
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ id: r.id, timezone: r.timezone, sendHour: r.send_hour }));
    },
    /** A hard bounce: counts towards the limit, then the subscriber is suppressed. Returns the new status. */
    async recordBounce(subscriberId: number, limit: number, now: string): Promise<string> {
      await db
        .updateTable("subscribers")
        .set((eb) => ({ bounce_count: eb("bounce_count", "+", 1), updated_at: now }))
        .where("id", "=", subscriberId)
        .execute();
      await db
        .updateTable("subscribers")
        .set({ status: "suppressed", updated_at: now })
        .where("id", "=", subscriberId)
        .where("bounce_count", ">=", limit)
        .execute();
      const row = await db.selectFrom("subscribers").select("status").where("id", "=", subscriberId).executeTakeFirst();
      return row?.status ?? "unknown";
    },
    async suppress(subscriberId: number, now: string): Promise<void> {
      await db.updateTable("subscribers").set({ status: "suppressed", updated_at: now }).where("id", "=", subscriberId).execute();
    },
    subscriberByEmail: (email: string) => subscriberWhere(db, "email", email),
    subscriberById: (id: number) => subscriberWhere(db, "id", id),
  };
}

async function subscriberWhere(db: Kysely<Database>, column: "id" | "email", value: number | string): Promise<Recipient | undefined> {
  const row = await db
    .selectFrom("subscribers")
    .select(["id", "email", "status", "categories", "frequency", "timezone", "token_version"])
    .where(column, "=", value as never)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    status: row.status as SubscriberStatus,
    categories: JSON.parse(row.categories) as string[],
    frequency: row.frequency as Frequency,
    timezone: row.timezone,
    tokenVersion: row.token_version,
  };
}
