// Editions: one run of a digest for a frequency and period, and who is in it. Only place with edition SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { DeliveryFailure, DeliveryState, EditionRow, Frequency } from "#src/model.js";

const CHUNK = 500;

export function createEditionStore(db: Kysely<Database>) {
  return {
    /** Creates the edition for `key` once; later calls return the same id. */
    async ensureEdition(e: { key: string; frequency: Frequency; period: string; trigger: string; now: string }): Promise<number> {
      await db
        .insertInto("editions")
        .values({ key: e.key, frequency: e.frequency, period: e.period, trigger: e.trigger, created_at: e.now })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      const row = await db.selectFrom("editions").select("id").where("key", "=", e.key).executeTakeFirstOrThrow();
      return row.id;
    },
    /** One pending delivery per subscriber; a subscriber already in the edition is left as it is. */
    async enqueue(editionId: number, subscriberIds: number[], now: string): Promise<number> {
      let added = 0;
      for (let i = 0; i < subscriberIds.length; i += CHUNK) {
        const values = subscriberIds.slice(i, i + CHUNK).map((subscriber_id) => ({
          edition_id: editionId,
          subscriber_id,
          state: "pending",
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        }));
        const result = await db
          .insertInto("deliveries")
          .values(values)
          .onConflict((oc) => oc.columns(["edition_id", "subscriber_id"]).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      // New deliveries reopen an edition that a worker pass found settled in the meantime.
      if (added) await db.updateTable("editions").set({ finished_at: null }).where("id", "=", editionId).execute();
      return added;
    },
    /** The subscribers already holding a delivery in each of these editions. */
    async subscribersIn(editionIds: number[]): Promise<Map<number, Set<number>>> {
      const result = new Map(editionIds.map((id) => [id, new Set<number>()]));
      if (!editionIds.length) return result;
      const rows = await db.selectFrom("deliveries").select(["edition_id", "subscriber_id"]).where("edition_id", "in", editionIds).execute();
      for (const r of rows) result.get(r.edition_id)!.add(r.subscriber_id);
      return result;
    },
    async editionIdsByKey(keys: string[]): Promise<Map<string, number>> {
      if (!keys.length) return new Map();
      const rows = await db.selectFrom("editions").select(["id", "key"]).where("key", "in", keys).execute();
      return new Map(rows.map((r) => [r.key, r.id]));
    },
    async edition(id: number): Promise<EditionRow | undefined> {
      const row = await db.selectFrom("editions").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      return { ...toEdition(row), counts: (await countsOf(db, [id])).get(id)! };
    },
    async editions(limit: number): Promise<EditionRow[]> {
      const rows = await db.selectFrom("editions").selectAll().orderBy("id", "desc").limit(limit).execute();
      const counts = await countsOf(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((r) => ({ ...toEdition(r), counts: counts.get(r.id)! }));
    },
    /**
     * Marks every unfinished edition whose deliveries have all settled (sent, skipped or failed) as
     * finished at the time its last delivery settled; an edition with no delivery at `now`.
     */
    async finishSettledEditions(now: string): Promise<number> {
      const result = await db
        .updateTable("editions")
        .set((eb) => ({
          finished_at: eb.fn.coalesce(
            eb
              .selectFrom("deliveries")
              .select((d) => d.fn.max("deliveries.updated_at").as("t"))
              .whereRef("deliveries.edition_id", "=", "editions.id"),
            eb.val(now),
          ),
        }))
        .where("finished_at", "is", null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("deliveries")
                .select("deliveries.id")
                .whereRef("deliveries.edition_id", "=", "editions.id")
                .where("deliveries.state", "in", ["pending", "sending"]),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async failures(editionId: number, limit: number): Promise<DeliveryFailure[]> {
      const rows = await db
        .selectFrom("deliveries")
        .innerJoin("subscribers", "subscribers.id", "deliveries.subscriber_id")
        .select(["deliveries.id", "subscribers.email", "deliveries.attempts", "deliveries.last_error", "deliveries.updated_at"])
        .where("deliveries.edition_id", "=", editionId)
        .where("deliveries.state", "=", "failed")
        .orderBy("deliveries.id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ email: r.email, attempts: r.attempts, lastError: r.last_error, updatedAt: r.updated_at }));
    },
    /** Puts failed deliveries of an edition back in the queue (operator's "retry failed"). */
    async retryFailed(editionId: number, now: string): Promise<number> {
      const result = await db
        .updateTable("deliveries")
        .set({ state: "pending", next_attempt_at: now, attempts: 0, updated_at: now })
        .where("edition_id", "=", editionId)
        .where("state", "=", "failed")
        .executeTakeFirst();
      if (Number(result.numUpdatedRows)) await db.updateTable("editions").set({ finished_at: null }).where("id", "=", editionId).execute();
      return Number(result.numUpdatedRows);
    },
  };
}

async function countsOf(db: Kysely<Database>, editionIds: number[]): Promise<Map<number, Record<DeliveryState, number>>> {
  const result = new Map<number, Record<DeliveryState, number>>();
  for (const id of editionIds) result.set(id, { pending: 0, sending: 0, sent: 0, skipped: 0, failed: 0 });
  if (!editionIds.length) return result;
  const rows = await db
    .selectFrom("deliveries")
    .select((eb) => ["edition_id", "state", eb.fn.countAll<number>().as("n")])
    .where("edition_id", "in", editionIds)
    .groupBy(["edition_id", "state"])
    .execute();
  for (const row of rows) result.get(row.edition_id)![row.state as DeliveryState] = Number(row.n);
  return result;
}

function toEdition(row: { id: number; key: string; frequency: string; period: string; trigger: string; created_at: string; finished_at: string | null }) {
  return {
    id: row.id,
    key: row.key,
    frequency: row.frequency as Frequency,
    period: row.period,
    trigger: row.trigger,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
