// The tick is state-based: whoever's local send hour has come and has no delivery this period gets
// one, however late or often the tick runs, and several ticks make one edition per period.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import { insertSubscribers } from "#test/support/subscribers.js";
import { acceptingMailer, digestSettings } from "#test/support/digest.js";
import { createDigestService, type DigestService } from "#src/digest/run.js";
import type { Store } from "#src/store/index.js";

describe.each(BACKENDS)("scheduled editions on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let clock = new Date("2026-11-25T12:00:00Z");
  let digest: DigestService;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
    await insertSubscribers(store.db.kysely, [
      { email: "chicago@example.com", categories: ["world"], timezone: "America/Chicago", sendHour: 7 },
      { email: "tokyo@example.com", categories: ["world"], timezone: "Asia/Tokyo", sendHour: 7 },
      { email: "weekly@example.com", categories: ["world"], timezone: "UTC", sendHour: 9, frequency: "weekly" },
    ]);
    digest = createDigestService({
      store: store.digests,
      categoryNames: async () => new Map(),
      mailer: acceptingMailer,
      template: async () => ({ html: () => "", text: () => "" }),
      links: { story: (_id, target) => target, preferences: () => "", unsubscribe: () => "", view: () => "" },
      settings: digestSettings(),
      logger: pino({ level: "silent" }),
      now: () => clock,
    });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const editions = () => store.db.kysely.selectFrom("editions").select(["key"]).orderBy("key").execute();

  it("enqueues only those whose local send hour has come", async () => {
    // 12:00 UTC: Chicago 06:00 (not yet), Tokyo 21:00 (due), UTC weekly 12:00 (due).
    expect(await digest.scheduleDue()).toBe(2);
    expect((await editions()).map((e) => e.key)).toEqual(["schedule:daily:2026-11-25", "schedule:weekly:2026-W48"]);
  });

  it("adds nobody twice when ticks repeat or two schedulers tick at once", async () => {
    expect(await Promise.all([digest.scheduleDue(), digest.scheduleDue()])).toEqual([0, 0]);
    expect(await editions()).toHaveLength(2);
  });

  it("catches up after missed ticks: a late tick still finds Chicago's 7 o'clock", async () => {
    clock = new Date("2026-11-25T17:40:00Z"); // 11:40 in Chicago, hours after its send hour
    expect(await digest.scheduleDue()).toBe(1);
    const rows = await store.db.kysely.selectFrom("deliveries").innerJoin("editions", "editions.id", "deliveries.edition_id").select("editions.key").execute();
    expect(rows.map((r) => r.key).sort()).toEqual(["schedule:daily:2026-11-25", "schedule:daily:2026-11-25", "schedule:weekly:2026-W48"]);
  });

  it("starts the next period's edition the next local day", async () => {
    clock = new Date("2026-11-26T00:00:00Z"); // Tokyo: 09:00 on the 26th
    expect(await digest.scheduleDue()).toBe(1);
    expect((await editions()).map((e) => e.key)).toContain("schedule:daily:2026-11-26");
  });
});
