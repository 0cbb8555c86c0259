// Bounce, complaint and unsubscribe reports by their provider's id: the same report twice counts once.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { ReportRecord } from "#src/model.js";

export function createWebhookEventStore(db: Kysely<Database>) {
  return {
    /** Records a report once: false when one with the same provider and id is already recorded. */
    async claimReport(r: ReportRecord): Promise<boolean> {
      const result = await db
        .insertInto("webhook_events")
        .values({
          provider: r.provider,
          event_id: r.eventId,
          subscriber_id: r.subscriberId,
          kind: r.kind,
          message_id: r.messageId,
          edition_id: r.editionId,
          received_at: r.at,
        })
        .onConflict((oc) => oc.columns(["provider", "event_id"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Forgets a report whose effect could not be applied, so that the provider's retry applies it. */
    async releaseReport(provider: string, eventId: string): Promise<void> {
      await db.deleteFrom("webhook_events").where("provider", "=", provider).where("event_id", "=", eventId).execute();
    },
    /** Records a one-time token once: false when it was seen already. Tokens seen before `forgetBefore` are dropped. */
    async claimToken(provider: string, token: string, at: string, forgetBefore: string): Promise<boolean> {
      await db.deleteFrom("webhook_tokens").where("seen_at", "<", forgetBefore).execute();
      const result = await db
        .insertInto("webhook_tokens")
        .values({ provider, token, seen_at: at })
        .onConflict((oc) => oc.columns(["provider", "token"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Hard bounces and complaints reported about each edition's messages. */
    async reportsByEdition(editionIds: number[]): Promise<Map<number, { bounces: number; complaints: number }>> {
      const counts = new Map<number, { bounces: number; complaints: number }>();
      if (editionIds.length === 0) return counts;
      const rows = await db
        .selectFrom("webhook_events")
        .select(["edition_id", "kind", (eb) => eb.fn.countAll<number | string>().as("n")])
        .where("edition_id", "in", editionIds)
        .where("kind", "in", ["bounce", "complaint"])
        .groupBy(["edition_id", "kind"])
        .execute();
      for (const row of rows) {
        const entry = counts.get(row.edition_id!) ?? { bounces: 0, complaints: 0 };
        entry[row.kind === "bounce" ? "bounces" : "complaints"] = Number(row.n);
        counts.set(row.edition_id!, entry);
      }
      return counts;
    },
  };
}
