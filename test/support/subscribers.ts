// Subscribers straight into the store, in bulk: for digest tests and benchmarks.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface TestSubscriber {
  email: string;
  categories: string[];
  frequency?: "daily" | "weekly";
  timezone?: string;
  sendHour?: number;
  status?: "pending" | "active" | "unsubscribed" | "suppressed";
}

export async function insertSubscribers(db: Kysely<Database>, subscribers: TestSubscriber[]): Promise<Map<string, number>> {
  const now = new Date().toISOString();
  const ids = new Map<string, number>();
  for (let i = 0; i < subscribers.length; i += 500) {
    const rows = await db
      .insertInto("subscribers")
      .values(
        subscribers.slice(i, i + 500).map((s) => ({
          email: s.email,
          status: s.status ?? "active",
          categories: JSON.stringify(s.categories),
          frequency: s.frequency ?? "daily",
          timezone: s.timezone ?? "UTC",
          send_hour: s.sendHour ?? 7,
          consent_at: now,
          consent_source: "test",
          confirmed_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(["id", "email"])
      .execute();
    for (const r of rows) ids.set(r.email, r.id);
  }
  return ids;
}

/** Polls an edition through the admin API until every delivery reached a final state. */
export async function waitForEdition(admin: (path: string) => Promise<Response>, id: number, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const edition = await (await admin(`/api/editions/${id}`)).json();
    if (edition.status === "done") return edition;
    if (Date.now() > deadline) throw new Error(`edition ${id} not done after ${ms} ms: ${JSON.stringify(edition)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
