// Deliveries: claiming, recording and retrying one subscriber's digest. Only place with delivery SQL.
import { sql, type Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Dialect } from "#src/store/db.js";

import type { ClaimedDelivery, DeliveryRecord, DeliveryState, Frequency, SendHistory } from "#src/model.js";

const CHUNK = 500;

export function createDeliveryStore(db: Kysely<Database>, dialect: Dialect) {
  return {
    /** Deliveries left `sending` by a worker that died go back to pending: the only path to a resend. */
    async recoverExpiredLeases(now: string): Promise<number> {
      const result = await db
        .updateTable("deliveries")
        .set({ state: "pending", claimed_by: null, lease_until: null, updated_at: now })
        .where("state", "=", "sending")
        .where("lease_until", "<", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /** Claims up to `limit` due deliveries for one worker, atomically. */
    async claim(o: { workerId: string; limit: number; now: string; leaseUntil: string; editionId?: number }): Promise<ClaimedDelivery[]> {
      const ids = await claimIds(db, dialect, o);
      if (!ids.length) return [];
      const rows = await db
        .selectFrom("deliveries")
        .innerJoin("subscribers", "subscribers.id", "deliveries.subscriber_id")
        .select([
          "deliveries.id as deliveryId",
          "deliveries.edition_id as editionId",
          "deliveries.subscriber_id as subscriberId",
          "deliveries.attempts",
          "deliveries.article_ids",
          "subscribers.email",
          "subscribers.categories",
          "subscribers.frequency",
          "subscribers.timezone",
          "subscribers.token_version",
        ])
        .where("deliveries.id", "in", ids)
        .orderBy("deliveries.id")
        .execute();
      return rows.map((r) => ({
        deliveryId: r.deliveryId,
        editionId: r.editionId,
        subscriberId: r.subscriberId,
        email: r.email,
        categories: JSON.parse(r.categories) as string[],
        frequency: r.frequency as Frequency,
        timezone: r.timezone,
        tokenVersion: r.token_version,
        attempts: r.attempts,
        articleIds: r.article_ids ? (JSON.parse(r.article_ids) as number[]) : null,
      }));
    },
    /** Records the stories chosen for each delivery, and skips those with nothing new, in one transaction. */
    async recordComposition(
      composed: Array<{ deliveryId: number; articleIds: number[]; messageId: string }>,
      skipped: number[],
      now: string,
      reason: string,
    ): Promise<void> {
      if (!composed.length && !skipped.length) return;
      await db.transaction().execute(async (trx) => {
        // One statement per chunk, not one per delivery: a batch's compositions cost one write.
        for (let i = 0; i < composed.length; i += CHUNK) {
          const rows = composed.slice(i, i + CHUNK).map((c) => sql`(cast(${c.deliveryId} as integer), ${JSON.stringify(c.articleIds)}, ${c.messageId})`);
          await sql`
            update deliveries set article_ids = v.column2, message_id = v.column3, updated_at = ${now}
            from (values ${sql.join(rows)}) as v
            where deliveries.id = v.column1`.execute(trx);
        }
        if (skipped.length) {
          await trx
            .updateTable("deliveries")
            .set({ state: "skipped", lease_until: null, last_error: reason, updated_at: now })
            .where("id", "in", skipped)
            .execute();
        }
      });
    },
    async finish(deliveryId: number, state: "sent" | "skipped" | "failed", now: string, error?: string): Promise<void> {
      await db
        .updateTable("deliveries")
        .set((eb) => ({
          state,
          lease_until: null,
          updated_at: now,
          last_error: error ?? null,
          attempts: state === "skipped" ? eb.ref("attempts") : eb("attempts", "+", 1),
          ...(state === "sent" ? { sent_at: now } : {}),
        }))
        .where("id", "=", deliveryId)
        .execute();
    },
    /** Marks deliveries sent in one statement (the worker groups the sends that end together). */
    async markSent(deliveryIds: number[], now: string): Promise<void> {
      // Run once or more per message: the sql tag builds it in half the time of the query builder.
      for (let i = 0; i < deliveryIds.length; i += CHUNK) {
        await sql`
          update deliveries set state = 'sent', sent_at = ${now}, updated_at = ${now}, lease_until = null, last_error = null, attempts = attempts + 1
          where id in (${sql.join(deliveryIds.slice(i, i + CHUNK))})`.execute(db);
      }
    },
    async retryLater(deliveryId: number, error: string, nextAttemptAt: string, now: string): Promise<void> {
      await db
        .updateTable("deliveries")
        .set((eb) => ({
          state: "pending",
          attempts: eb("attempts", "+", 1),
          last_error: error,
          next_attempt_at: nextAttemptAt,
          lease_until: null,
          claimed_by: null,
          updated_at: now,
        }))
        .where("id", "=", deliveryId)
        .execute();
    },
    /** Article ids each subscriber was sent since `since` (the digest window), and their last send. */
    async history(subscriberIds: number[], since: string): Promise<Map<number, SendHistory>> {
      const result = new Map<number, SendHistory>();
      for (const id of subscriberIds) result.set(id, { sent: new Set(), lastSentAt: null });
      for (let i = 0; i < subscriberIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom("deliveries")
          .select(["subscriber_id", "article_ids", "sent_at"])
          .where("subscriber_id", "in", subscriberIds.slice(i, i + CHUNK))
          .where("state", "=", "sent")
          .where("sent_at", ">=", since)
          .execute();
        for (const row of rows) {
          const entry = result.get(row.subscriber_id)!;
          for (const id of JSON.parse(row.article_ids ?? "[]") as number[]) entry.sent.add(id);
          if (row.sent_at && (!entry.lastSentAt || row.sent_at > entry.lastSentAt)) entry.lastSentAt = row.sent_at;
        }
      }
      return result;
    },
    /** The sent deliveries' recorded stories for one subscriber and edition ("view in browser"). */
    async deliveryOf(editionId: number, subscriberId: number): Promise<DeliveryRecord | undefined> {
      const row = await db
        .selectFrom("deliveries")
        .select(["id", "state", "article_ids", "message_id", "sent_at", "attempts", "last_error"])
        .where("edition_id", "=", editionId)
        .where("subscriber_id", "=", subscriberId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        state: row.state as DeliveryState,
        articleIds: row.article_ids ? (JSON.parse(row.article_ids) as number[]) : null,
        messageId: row.message_id,
        sentAt: row.sent_at,
        attempts: row.attempts,
        lastError: row.last_error,
      };
    },
  };
}

type ClaimOptions = { workerId: string; limit: number; now: string; leaseUntil: string; editionId?: number };

/**
 * One statement on both: PostgreSQL's concurrent workers skip each other's locked rows instead of
 * waiting or doubling; SQLite has one writer, so the statement alone is atomic (a select and an update
 * in a transaction cost a third more a delivery). The inner select reads the due index in its own
 * order (state, next_attempt_at, id): `limit` rows, not every pending delivery of the table.
 */
async function claimIds(db: Kysely<Database>, dialect: Dialect, o: ClaimOptions): Promise<number[]> {
  const edition = o.editionId === undefined ? sql`` : sql`and edition_id = ${o.editionId}`;
  const lock = dialect === "postgres" ? sql`for update skip locked` : sql``;
  const result = await sql<{ id: number }>`
    update deliveries set state = 'sending', claimed_by = ${o.workerId}, lease_until = ${o.leaseUntil}, updated_at = ${o.now}
    where id in (
      select id from deliveries
      where state = 'pending' and next_attempt_at <= ${o.now} ${edition}
      order by next_attempt_at, id
      limit ${o.limit}
      ${lock}
    )
    returning id`.execute(db);
  return result.rows.map((r) => r.id);
}
