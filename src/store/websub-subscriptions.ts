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
}

export type WebsubChange = Partial<Pick<WebsubSubscription, "state" | "leaseSeconds" | "leaseExpiresAt" | "lastPushAt" | "lastError">>;

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
    /** Active subscriptions whose lease ends before `before`. */
    async expiring(before: string): Promise<WebsubSubscription[]> {
      const rows = await db.selectFrom("websub_subscriptions").selectAll().where("state", "=", "active").where("lease_expires_at", "<", before).execute();
      return rows.map(toSubscription);
    },
    async update(id: string, change: WebsubChange, at: string): Promise<void> {
      await db
        .updateTable("websub_subscriptions")
        .set({
          ...(change.state !== undefined ? { state: change.state } : {}),
          ...(change.leaseSeconds !== undefined ? { lease_seconds: change.leaseSeconds } : {}),
          ...(change.leaseExpiresAt !== undefined ? { lease_expires_at: change.leaseExpiresAt } : {}),
          ...(change.lastPushAt !== undefined ? { last_push_at: change.lastPushAt } : {}),
          ...(change.lastError !== undefined ? { last_error: change.lastError } : {}),
          updated_at: at,
        })
        .where("id", "=", id)
        .execute();
    },
  };
}
