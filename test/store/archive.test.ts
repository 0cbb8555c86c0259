// The archive's reads: periods with a digest sent (or being sent), newest first, one row per period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import type { Store } from "#src/store/index.js";

describe.each(BACKENDS)("archived editions (%s)", (backend) => {
  let database: TestDatabase;
  let store: Store;

  /** An edition of that period whose one delivery is in `state`. */
  async function edition(key: string, frequency: "daily" | "weekly", period: string, createdAt: string, state: string, subscriberId: number) {
    const digests = store.digests;
    const id = await digests.ensureEdition({ key, frequency, period, trigger: "schedule", now: createdAt });
    await digests.enqueue(id, [subscriberId], createdAt);
    await store.db.kysely.updateTable("deliveries").set({ state }).where("edition_id", "=", id).execute();
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    const ids = await insertSubscribers(store.db.kysely, [{ email: "a@example.com", categories: ["world"] }]);
    const sid = ids.get("a@example.com")!;
    for (let day = 1; day <= 25; day++) {
      const period = `2026-10-${String(day).padStart(2, "0")}`;
      await edition(`d${day}`, "daily", period, `${period}T07:00:00.000Z`, "sent", sid);
    }
    // A second edition in the same period makes no second row; its start is the period's latest.
    await edition("d25-again", "daily", "2026-10-25", "2026-10-25T09:00:00.000Z", "sending", sid);
    await edition("w1", "weekly", "2026-W44", "2026-10-26T07:00:00.000Z", "sent", sid);
    // Nothing went out in these.
    await edition("pending", "daily", "2026-10-27", "2026-10-27T07:00:00.000Z", "pending", sid);
    await edition("failed", "daily", "2026-10-28", "2026-10-28T07:00:00.000Z", "failed", sid);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("lists periods with a sent digest, newest first, paged", async () => {
    const first = await store.digests.archivedEditions({ limit: 3, offset: 0 });
    expect(first.map((e) => `${e.frequency}/${e.period}`)).toEqual(["weekly/2026-W44", "daily/2026-10-25", "daily/2026-10-24"]);
    expect(first[1]).toMatchObject({ firstAt: "2026-10-25T07:00:00.000Z", lastAt: "2026-10-25T09:00:00.000Z" });
    const daily = await store.digests.archivedEditions({ frequency: "daily", limit: 20, offset: 20 });
    expect(daily.map((e) => e.period)).toEqual(["2026-10-05", "2026-10-04", "2026-10-03", "2026-10-02", "2026-10-01"]);
  });

  it("finds one period, and nothing where no digest went out", async () => {
    expect(await store.digests.archivedEdition("daily", "2026-10-03")).toMatchObject({ frequency: "daily", period: "2026-10-03" });
    expect(await store.digests.archivedEdition("daily", "2026-10-27")).toBeUndefined();
    expect(await store.digests.archivedEdition("daily", "2026-10-28")).toBeUndefined();
    expect(await store.digests.archivedEdition("weekly", "2026-10-03")).toBeUndefined();
  });
});
