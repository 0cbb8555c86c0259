import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import type { Store } from "#src/store/index.js";
import type { SubscriberRecord } from "#src/store/subscribers.js";

const NOW = "2026-11-25T10:00:00.000Z";

function record(email: string, overrides: Partial<SubscriberRecord> = {}): SubscriberRecord {
  return {
    email,
    status: "pending",
    categories: ["us-news"],
    frequency: "daily",
    timezone: "America/Chicago",
    sendHour: 7,
    consent: { at: NOW, ip: "127.0.0.1", userAgent: "test", source: "form", confirmedAt: null },
    unsubscribedAt: null,
    ...overrides,
  };
}

describe.each(BACKENDS)("subscriber store on %s", (backend) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openTestStore(database);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("reads back what it stored, with defaults for counters", async () => {
    const created = await store.subscribers.insert(record("reader@example.com", { categories: ["us-news", "world"] }), NOW);
    expect(await store.subscribers.getByEmail("reader@example.com")).toEqual({
      ...record("reader@example.com", { categories: ["us-news", "world"] }),
      id: created.id,
      bounceCount: 0,
      tokenVersion: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it("keeps one row per address", async () => {
    await store.subscribers.insert(record("once@example.com"), NOW);
    await expect(store.subscribers.insert(record("once@example.com"), NOW)).rejects.toThrow();
  });

  it("bumps the token version only when asked", async () => {
    const s = await store.subscribers.insert(record("bump@example.com"), NOW);
    expect((await store.subscribers.update(s.id, { frequency: "weekly" }, NOW)).tokenVersion).toBe(1);
    const bumped = await store.subscribers.update(s.id, { status: "pending" }, NOW, true);
    expect(bumped).toMatchObject({ tokenVersion: 2, frequency: "weekly", status: "pending" });
  });

  it("counts by status, and active subscribers by category and frequency", async () => {
    await store.subscribers.insert(record("a1@example.com", { status: "active", categories: ["world", "us-news"], frequency: "weekly" }), NOW);
    await store.subscribers.insert(record("a2@example.com", { status: "active", categories: ["world"] }), NOW);
    await store.subscribers.insert(record("u1@example.com", { status: "unsubscribed", categories: ["world"] }), NOW);
    const counts = await store.subscribers.counts();
    expect(counts.status).toMatchObject({ active: 2, unsubscribed: 1 });
    expect(counts.category).toEqual({ world: 2, "us-news": 1 });
    expect(counts.frequency).toEqual({ daily: 1, weekly: 1 });
    expect(counts.total).toBe(counts.status.pending + 3);
  });

  it("counts the active subscribers of one frequency: an edition's recipients", async () => {
    await store.subscribers.insert(record("r1@example.com", { status: "active", frequency: "weekly" }), NOW);
    await store.subscribers.insert(record("r2@example.com", { status: "pending", frequency: "weekly" }), NOW);
    const counts = await store.subscribers.counts();
    expect(await store.subscribers.countActive("weekly")).toBe(counts.frequency.weekly);
    expect(await store.subscribers.countActive("daily")).toBe(counts.frequency.daily);
    expect(await store.subscribers.countActive("weekly")).toBeGreaterThan(0);
  });

  it("erases a row and keeps the address's hash", async () => {
    await store.subscribers.insert(record("gone@example.com"), NOW);
    expect(await store.subscribers.erase("gone@example.com", "hash-of-gone", NOW)).toBe(true);
    expect(await store.subscribers.getByEmail("gone@example.com")).toBeUndefined();
    expect(await store.subscribers.erase("gone@example.com", "hash-of-gone", NOW)).toBe(false);
    expect(await store.subscribers.erasedAmong(["hash-of-gone", "hash-of-other"])).toEqual(new Set(["hash-of-gone"]));
  });
});
