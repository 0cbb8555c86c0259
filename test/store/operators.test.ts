import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import type { Store } from "#src/store/index.js";

describe.each(BACKENDS)("operator counts (%s)", (backend) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    const row = (email: string, created: string, confirmed: string | null, unsubscribed: string | null) => ({
      email,
      status: unsubscribed ? ("unsubscribed" as const) : confirmed ? ("active" as const) : ("pending" as const),
      categories: "[]",
      frequency: "daily" as const,
      timezone: "UTC",
      created_at: created,
      confirmed_at: confirmed,
      unsubscribed_at: unsubscribed,
      updated_at: created,
    });
    await store.db.kysely
      .insertInto("subscribers")
      .values([
        row("a@example.com", "2026-11-20T08:00:00.000Z", "2026-11-20T09:00:00.000Z", null),
        row("b@example.com", "2026-11-20T23:59:59.000Z", "2026-11-21T00:10:00.000Z", "2026-11-24T12:00:00.000Z"),
        row("c@example.com", "2026-11-24T10:00:00.000Z", null, null),
      ])
      .execute();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("counts sign-ups, confirmations and unsubscriptions per UTC day", async () => {
    expect(await store.operators.subscriberDays()).toEqual({
      created: [
        { day: "2026-11-20", n: 2 },
        { day: "2026-11-24", n: 1 },
      ],
      confirmed: [
        { day: "2026-11-20", n: 1 },
        { day: "2026-11-21", n: 1 },
      ],
      unsubscribed: [{ day: "2026-11-24", n: 1 }],
    });
  });

  it("counts deliveries by state (none yet)", async () => {
    expect(await store.operators.deliveryStates()).toEqual({});
  });

  it("counts deliveries by state, each state on its own", async () => {
    const now = new Date().toISOString();
    const edition = await store.db.kysely
      .insertInto("editions")
      .values({ key: "manual:operators-test", frequency: "daily", period: "p", trigger: "manual", created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const subscribers = await store.db.kysely.selectFrom("subscribers").select("id").orderBy("id").execute();
    const states = ["sent", "sent", "failed"] as const;
    await store.db.kysely
      .insertInto("deliveries")
      .values(
        states.map((state, i) => ({
          edition_id: edition.id,
          subscriber_id: subscribers[i]!.id,
          state,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    expect(await store.operators.deliveryStates()).toEqual({ sent: 2, failed: 1 });
  });
});
