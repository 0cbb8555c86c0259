// Our WebSub subscriptions to partners' hubs, by their callback id.
import type { Kysely, Selectable } from "kysely";
import type { Database, WebsubSubscriptionsTable } from "#src/store/schema.js";

export type WebsubState = "pending" | "active" | "denied" | "unsubscribing" | "unsubscribed";

export interface WebsubSubscription {
  id: string;
  partner: string;
  topic: string;
  hub: string;
  secret: string;
  state: WebsubState;
  leaseSeconds: number | null;
  leaseExpiresAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /** When the hub first verified the subscription. */
  verifiedAt: string | null;
  /** New items pulls found since the last signed push (or since verification) that the hub should have pushed. */
  missedItems: number;
  /** The last pull that found such items. */
  missedAt: string | null;
}

export type WebsubChange = Partial<
  Pick<WebsubSubscription, "state" | "leaseSeconds" | "leaseExpiresAt" | "lastPushAt" | "lastError" | "verifiedAt" | "missedItems" | "missedAt">
>;

const toSubscription = (row: Selectable<WebsubSubscriptionsTable>): WebsubSubscription => ({
  id: row.id,
  partner: row.partner_slug,
  topic: row.topic,
  hub: row.hub,
  secret: row.secret,
  state: row.state as WebsubState,
  leaseSeconds: row.lease_seconds,
  leaseExpiresAt: row.lease_expires_at,
  lastPushAt: row.last_push_at,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  verifiedAt: row.verified_at,
  missedItems: Number(row.missed_items),
  missedAt: row.missed_at,
});

export function createWebsubSubscriptionStore(db: Kysely<Database>) {
  return {
    async insert(s: Pick<WebsubSubscription, "id" | "partner" | "topic" | "hub" | "secret" | "state">, at: string): Promise<void> {
      await db
        .insertInto("websub_subscriptions")
        .values({ id: s.id, partner_slug: s.partner, topic: s.topic, hub: s.hub, secret: s.secret, state: s.state, created_at: at, updated_at: at })
        .execute();
    },
    async get(id: string): Promise<WebsubSubscription | undefined> {
      const row = await db.selectFrom("websub_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toSubscription(row);
    },
    /** A partner's subscriptions, newest first (those the hub confirmed gone excluded). */
    async ofPartner(slug: string): Promise<WebsubSubscription[]> {
      const rows = await db
        .selectFrom("websub_subscriptions")
        .selectAll()
        .where("partner_slug", "=", slug)
        .where("state", "!=", "unsubscribed")
        .orderBy("created_at", "desc")
        .orderBy("id")
        .execute();
      return rows.map(toSubscription);
    },
    /** Every subscription not confirmed gone, each partner's newest first. */
    async all(): Promise<WebsubSubscription[]> {
      const rows = await db
        .selectFrom("websub_subscriptions")
        .selectAll()
        .where("state", "!=", "unsubscribed")
        .orderBy("partner_slug")
        .orderBy("created_at", "desc")
        .orderBy("id")
        .execute();
      return rows.map(toSubscription);
    },
    /** Active subscriptions whose lease ends before `before`. */
    async expiring(before: string): Promise<WebsubSubscription[]> {
      const rows = await db.selectFrom("websub_subscriptions").selectAll().where("state", "=", "active").where("lease_expires_at", "<", before).execute();
      return rows.map(toSubscription);
    },
    /** Adds to a subscription's missed items (one statement: pushes and pulls may record at once). */
    async addMissed(id: string, count: number, at: string): Promise<void> {
      await db
        .updateTable("websub_subscriptions")
        .set((eb) => ({ missed_items: eb("missed_items", "+", count), missed_at: at, updated_at: at }))
        .where("id", "=", id)
        .execute();
    },
    async update(id: string, change: WebsubChange, at: string): Promise<void> {
      await db
        .updateTable("websub_subscriptions")
        .set({
          ...(change.state !== undefined ? { state: change.state } : {}),
          ...(change.leaseSeconds !== undefined ? { lease_seconds: change.leaseSeconds } : {}),
          ...(change.leaseExpiresAt !== undefined ? { lease_expires_at: change.leaseExpiresAt } : {}),
          ...(change.lastPushAt !== undefined ? { last_push_at: change.lastPushAt } : {}),
          ...(change.missedItems !== undefined ? { missed_items: change.missedItems } : {}),
          ...(change.lastError !== undefined ? { last_error: change.lastError } : {}),
          ...(change.verifiedAt !== undefined ? { verified_at: change.verifiedAt } : {}),
          ...(change.missedAt !== undefined ? { missed_at: change.missedAt } : {}),
          updated_at: at,
        })
        .where("id", "=", id)
        .execute();
    },
  };
}
