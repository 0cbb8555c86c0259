// Editions, deliveries, and the reads a digest needs. Only place with digest SQL.
import { sql, type Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Dialect } from "#src/store/db.js";
import { tagsOf } from "#src/store/articles.js";

export type DeliveryState = "pending" | "sending" | "sent" | "skipped" | "failed";
export type Frequency = "daily" | "weekly";

export interface ClaimedDelivery {
  deliveryId: number;
  editionId: number;
  subscriberId: number;
  email: string;
  categories: string[];
  frequency: Frequency;
  timezone: string;
  tokenVersion: number;
  attempts: number;
  /** Fixed at first composition; null until then. */
  articleIds: number[] | null;
}

export interface CandidateRow {
  articleId: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  author: string | null;
  canonicalUrl: string | null;
  imageUrl: string | null;
  imageAlt: string | null;
  imageCredit: string | null;
  publishedAt: string;
  views: number;
  shares: number;
  comments: number;
  tags: string[];
}

export interface EditionRow {
  id: number;
  key: string;
  frequency: Frequency;
  period: string;
  trigger: string;
  createdAt: string;
  finishedAt: string | null;
  counts: Record<DeliveryState, number>;
}

const CHUNK = 500;

export function createDigestStore(db: Kysely<Database>, dialect: Dialect) {
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
      return added;
    },

    async activeSubscribers(frequency: Frequency): Promise<Array<{ id: number; timezone: string; sendHour: number }>> {
      const rows = await db
        .selectFrom("subscribers")
        .select(["id", "timezone", "send_hour"])
        .where("status", "=", "active")
        .where("frequency", "=", frequency)
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ id: r.id, timezone: r.timezone, sendHour: r.send_hour }));
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
      const ids = dialect === "postgres" ? await claimPostgres(db, o) : await claimSqlite(db, o);
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
        for (const c of composed) {
          await trx
            .updateTable("deliveries")
            .set({ article_ids: JSON.stringify(c.articleIds), message_id: c.messageId, updated_at: now })
            .where("id", "=", c.deliveryId)
            .execute();
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
      for (let i = 0; i < deliveryIds.length; i += CHUNK) {
        await db
          .updateTable("deliveries")
          .set((eb) => ({ state: "sent", sent_at: now, updated_at: now, lease_until: null, last_error: null, attempts: eb("attempts", "+", 1) }))
          .where("id", "in", deliveryIds.slice(i, i + CHUNK))
          .execute();
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
    async history(subscriberIds: number[], since: string): Promise<Map<number, { sent: Set<number>; lastSentAt: string | null }>> {
      const result = new Map<number, { sent: Set<number>; lastSentAt: string | null }>();
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

    /** Articles published since `since`, with engagement totals and tags: the digest's raw material. */
    async candidates(since: string): Promise<CandidateRow[]> {
      const rows = await db
        .selectFrom("articles")
        .innerJoin("categories", "categories.id", "articles.category_id")
        .leftJoin("authors", "authors.id", "articles.author_id")
        .leftJoin(
          (eb) =>
            eb
              .selectFrom("engagement")
              .select((e) => [
                "article_id",
                e.fn.sum<number>("views").as("views"),
                e.fn.sum<number>("shares").as("shares"),
                e.fn.sum<number>("comments").as("comments"),
              ])
              .groupBy("article_id")
              .as("totals"),
          (join) => join.onRef("totals.article_id", "=", "articles.id"),
        )
        .select([
          "articles.id as articleId",
          "articles.slug",
          "articles.title",
          "articles.summary",
          "categories.slug as category",
          "authors.name as author",
          "articles.canonical_url as canonicalUrl",
          "articles.image_url as imageUrl",
          "articles.image_alt as imageAlt",
          "articles.image_credit as imageCredit",
          "articles.published_at as publishedAt",
          "totals.views",
          "totals.shares",
          "totals.comments",
        ])
        .where("articles.published_at", ">=", since)
        .orderBy("articles.published_at", "desc")
        .execute();
      const tags = await tagsOf(db, rows.map((r) => r.articleId));
      return rows.map((r) => ({
        ...r,
        author: r.author ?? null,
        views: Number(r.views ?? 0),
        shares: Number(r.shares ?? 0),
        comments: Number(r.comments ?? 0),
        tags: tags.get(r.articleId) ?? [],
      }));
    },

    async edition(id: number): Promise<EditionRow | undefined> {
      const row = await db.selectFrom("editions").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      return { ...toEdition(row), counts: (await countsOf(db, [id])).get(id)! };
    },

    async editions(limit: number): Promise<EditionRow[]> {
      const rows = await db.selectFrom("editions").selectAll().orderBy("id", "desc").limit(limit).execute();
      const counts = await countsOf(db, rows.map((r) => r.id));
      return rows.map((r) => ({ ...toEdition(r), counts: counts.get(r.id)! }));
    },

    async markEditionFinished(id: number, now: string): Promise<void> {
      await db.updateTable("editions").set({ finished_at: now }).where("id", "=", id).where("finished_at", "is", null).execute();
    },

    /** The sent deliveries' recorded stories for one subscriber and edition ("view in browser"). */
    async deliveryOf(editionId: number, subscriberId: number) {
      return db
        .selectFrom("deliveries")
        .select(["id", "state", "article_ids", "message_id", "sent_at", "attempts", "last_error"])
        .where("edition_id", "=", editionId)
        .where("subscriber_id", "=", subscriberId)
        .executeTakeFirst();
    },

    async failures(editionId: number, limit: number) {
      return db
        .selectFrom("deliveries")
        .innerJoin("subscribers", "subscribers.id", "deliveries.subscriber_id")
        .select(["deliveries.id", "subscribers.email", "deliveries.attempts", "deliveries.last_error", "deliveries.updated_at"])
        .where("deliveries.edition_id", "=", editionId)
        .where("deliveries.state", "=", "failed")
        .orderBy("deliveries.id")
        .limit(limit)
        .execute();
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

export type DigestStore = ReturnType<typeof createDigestStore>;

function subscriberWhere(db: Kysely<Database>, column: "id" | "email", value: number | string) {
  return db
    .selectFrom("subscribers")
    .select(["id", "email", "status", "categories", "frequency", "timezone", "token_version"])
    .where(column, "=", value as never)
    .executeTakeFirst();
}

type ClaimOptions = { workerId: string; limit: number; now: string; leaseUntil: string; editionId?: number };

async function claimPostgres(db: Kysely<Database>, o: ClaimOptions): Promise<number[]> {
  // One statement: concurrent workers skip each other's locked rows instead of waiting or doubling.
  const edition = o.editionId === undefined ? sql`` : sql`and edition_id = ${o.editionId}`;
  const result = await sql<{ id: number }>`
    update deliveries set state = 'sending', claimed_by = ${o.workerId}, lease_until = ${o.leaseUntil}, updated_at = ${o.now}
    where id in (
      select id from deliveries
      where state = 'pending' and next_attempt_at <= ${o.now} ${edition}
      order by id
      limit ${o.limit}
      for update skip locked
    )
    returning id`.execute(db);
  return result.rows.map((r) => r.id);
}

async function claimSqlite(db: Kysely<Database>, o: ClaimOptions): Promise<number[]> {
  // SQLite has one writer: the transaction alone makes the claim atomic.
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("deliveries")
      .select("id")
      .where("state", "=", "pending")
      .where("next_attempt_at", "<=", o.now)
      .orderBy("id")
      .limit(o.limit);
    if (o.editionId !== undefined) q = q.where("edition_id", "=", o.editionId);
    const ids = (await q.execute()).map((r) => r.id);
    if (ids.length) {
      await trx
        .updateTable("deliveries")
        .set({ state: "sending", claimed_by: o.workerId, lease_until: o.leaseUntil, updated_at: o.now })
        .where("id", "in", ids)
        .execute();
    }
    return ids;
  });
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
