// Subscribers. Only place with subscriber SQL. Emails arrive here already normalized.
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database, SubscribersTable } from "#src/store/schema.js";
import type { Frequency, Subscriber, SubscriberStatus } from "#src/model.js";

export type SubscriberRow = Selectable<SubscribersTable>;
export type SubscriberRecord = Omit<Subscriber, "id" | "bounceCount" | "tokenVersion" | "createdAt" | "updatedAt">;

export interface SubscriberCounts {
  total: number;
  status: Record<SubscriberStatus, number>;
  /** Active subscribers per category and per frequency: who the next digests go to. */
  category: Record<string, number>;
  frequency: Record<Frequency, number>;
}

export function createSubscriberStore(db: Kysely<Database>) {
  return {
    async getByEmail(email: string): Promise<Subscriber | undefined> {
      const row = await db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
      return row ? toSubscriber(row) : undefined;
    },

    async getById(id: number): Promise<Subscriber | undefined> {
      const row = await db.selectFrom("subscribers").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toSubscriber(row) : undefined;
    },

    async insert(record: SubscriberRecord, now: string): Promise<Subscriber> {
      const row = await db
        .insertInto("subscribers")
        .values({ ...insertRow(record), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSubscriber(row);
    },

    /** Changes some fields; `bumpTokenVersion` invalidates every link sent before. */
    async update(id: number, record: Partial<SubscriberRecord>, now: string, bumpTokenVersion = false): Promise<Subscriber> {
      const set: Updateable<SubscribersTable> = { ...toRow(record), updated_at: now };
      const query = db.updateTable("subscribers").where("id", "=", id);
      const updated = await (bumpTokenVersion ? query.set((eb) => ({ ...set, token_version: eb("token_version", "+", 1) })) : query.set(set))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSubscriber(updated);
    },

    /** The subscribers among these addresses (a batch of an import). */
    async getManyByEmail(emails: string[]): Promise<Subscriber[]> {
      if (!emails.length) return [];
      const rows = await db.selectFrom("subscribers").selectAll().where("email", "in", emails).execute();
      return rows.map(toSubscriber);
    },

    /**
     * One batch of an import, in one transaction: reads the subscribers already known among
     * `emails`, asks `plan` what to write, and writes it (new rows in multi-row inserts).
     */
    async importBatch(emails: string[], plan: (existing: Subscriber[]) => SubscriberWrites, now: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom("subscribers").selectAll().where("email", "in", emails).execute();
        const { inserts, updates } = plan(existing.map(toSubscriber));
        for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
          const values = inserts.slice(i, i + INSERT_CHUNK).map((record) => ({ ...insertRow(record), created_at: now, updated_at: now }));
          await trx.insertInto("subscribers").values(values).execute();
        }
        for (const { id, changes } of updates)
          await trx
            .updateTable("subscribers")
            .set({ ...toRow(changes), updated_at: now })
            .where("id", "=", id)
            .execute();
      });
    },

    /** Up to `limit` subscribers after the one with id `afterId`, in id order: an export reads the table page by page. */
    async listAfter(afterId: number, limit: number): Promise<Subscriber[]> {
      const rows = await db.selectFrom("subscribers").selectAll().where("id", ">", afterId).orderBy("id").limit(limit).execute();
      return rows.map(toSubscriber);
    },

    /**
     * Erases the row (its deliveries and reports go with it) and keeps `hash`, the address's keyed
     * hash, in one transaction; answers whether there was a row.
     */
    async erase(email: string, hash: string, now: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom("subscribers").where("email", "=", email).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await trx
          .insertInto("erased_addresses")
          .values({ hash, erased_at: now })
          .onConflict((oc) => oc.column("hash").doUpdateSet({ erased_at: now }))
          .execute();
        return true;
      });
    },

    /** Which of these address hashes belong to erased subscribers. */
    async erasedAmong(hashes: string[]): Promise<Set<string>> {
      if (!hashes.length) return new Set();
      const rows = await db.selectFrom("erased_addresses").select("hash").where("hash", "in", hashes).execute();
      return new Set(rows.map((r) => r.hash));
    },

    /** The digests sent to one subscriber, oldest first, each with its edition and stories. */
    async digestsSentTo(subscriberId: number): Promise<SentDigest[]> {
      const rows = await db
        .selectFrom("deliveries")
        .innerJoin("editions", "editions.id", "deliveries.edition_id")
        .select(["editions.id as editionId", "editions.frequency", "editions.period", "deliveries.sent_at", "deliveries.article_ids"])
        .where("deliveries.subscriber_id", "=", subscriberId)
        .where("deliveries.state", "=", "sent")
        .orderBy("deliveries.sent_at")
        .orderBy("deliveries.id")
        .execute();
      const ids = [...new Set(rows.flatMap((r) => (r.article_ids ? (JSON.parse(r.article_ids) as number[]) : [])))];
      const articles = new Map<number, { title: string; slug: string }>();
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        const found = await db
          .selectFrom("articles")
          .select(["id", "title", "slug"])
          .where("id", "in", ids.slice(i, i + INSERT_CHUNK))
          .execute();
        for (const a of found) articles.set(a.id, { title: a.title, slug: a.slug });
      }
      return rows.map((r) => ({
        editionId: r.editionId,
        frequency: r.frequency as Frequency,
        period: r.period,
        sentAt: r.sent_at,
        // A story deleted since the digest went out is left out.
        stories: (r.article_ids ? (JSON.parse(r.article_ids) as number[]) : []).flatMap((id) => articles.get(id) ?? []),
      }));
    },

    async list(options: { status?: SubscriberStatus | undefined; limit: number; offset: number }): Promise<Subscriber[]> {
      let query = db.selectFrom("subscribers").selectAll();
      if (options.status) query = query.where("status", "=", options.status);
      const rows = await query.orderBy("id").limit(options.limit).offset(options.offset).execute();
      return rows.map(toSubscriber);
    },

    /** How many active subscribers an edition of this frequency goes to. */
    async countActive(frequency: Frequency): Promise<number> {
      const row = await db
        .selectFrom("subscribers")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "active")
        .where("frequency", "=", frequency)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async counts(): Promise<SubscriberCounts> {
      const byStatus = await db
        .selectFrom("subscribers")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy("status")
        .execute();
      const byFrequency = await db
        .selectFrom("subscribers")
        .select(["frequency", (eb) => eb.fn.countAll<number>().as("n")])
        .where("status", "=", "active")
        .groupBy("frequency")
        .execute();
      const status: SubscriberCounts["status"] = { pending: 0, active: 0, unsubscribed: 0, suppressed: 0 };
      for (const r of byStatus) status[r.status] = Number(r.n);
      const frequency: SubscriberCounts["frequency"] = { daily: 0, weekly: 0 };
      for (const r of byFrequency) frequency[r.frequency] = Number(r.n);
      return { total: Object.values(status).reduce((a, b) => a + b, 0), status, frequency, category: await countCategories(db) };
    },
  };
}

export type SubscriberStore = ReturnType<typeof createSubscriberStore>;

/** One digest as it went to one subscriber. */
export interface SentDigest {
  editionId: number;
  frequency: Frequency;
  period: string;
  sentAt: string | null;
  stories: Array<{ title: string; slug: string }>;
}

/** What one import batch writes: new subscribers, and changes to known ones. */
export interface SubscriberWrites {
  inserts: SubscriberRecord[];
  updates: Array<{ id: number; changes: Partial<SubscriberRecord> }>;
}

// Rows per INSERT: 14 values each stays under SQLite's and PostgreSQL's bound-parameter limits.
const INSERT_CHUNK = 500;

function insertRow(record: SubscriberRecord) {
  return {
    ...toRow(record),
    email: record.email,
    status: record.status,
    categories: JSON.stringify(record.categories),
    frequency: record.frequency,
    timezone: record.timezone,
  };
}

/** Categories are a JSON list per row; counted here rather than in dialect-specific JSON SQL. */
async function countCategories(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db.selectFrom("subscribers").select("categories").where("status", "=", "active").execute();
  const counts: Record<string, number> = {};
  for (const row of rows) for (const slug of JSON.parse(row.categories) as string[]) counts[slug] = (counts[slug] ?? 0) + 1;
  return counts;
}

function toRow(record: Partial<SubscriberRecord>): Updateable<SubscribersTable> {
  const row: Updateable<SubscribersTable> = {};
  if (record.email !== undefined) row.email = record.email;
  if (record.status !== undefined) row.status = record.status;
  if (record.categories !== undefined) row.categories = JSON.stringify(record.categories);
  if (record.frequency !== undefined) row.frequency = record.frequency;
  if (record.timezone !== undefined) row.timezone = record.timezone;
  if (record.sendHour !== undefined) row.send_hour = record.sendHour;
  if (record.unsubscribedAt !== undefined) row.unsubscribed_at = record.unsubscribedAt;
  if (record.consent) {
    row.consent_at = record.consent.at;
    row.consent_ip = record.consent.ip;
    row.consent_user_agent = record.consent.userAgent;
    row.consent_source = record.consent.source;
    row.confirmed_at = record.consent.confirmedAt;
  }
  return row;
}

function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    categories: JSON.parse(row.categories) as string[],
    frequency: row.frequency,
    timezone: row.timezone,
    sendHour: row.send_hour,
    consent: {
      at: row.consent_at,
      ip: row.consent_ip,
      userAgent: row.consent_user_agent,
      source: row.consent_source,
      confirmedAt: row.confirmed_at,
    },
    unsubscribedAt: row.unsubscribed_at,
    bounceCount: row.bounce_count,
    tokenVersion: row.token_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
