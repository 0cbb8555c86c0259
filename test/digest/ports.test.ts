// The digest engine runs on plain objects that satisfy its ports: no database behind them.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createEditions, editionStatus } from "#src/digest/editions.js";
import { createPreviews } from "#src/digest/preview.js";
import type { DeliveryDeps } from "#src/digest/deps.js";
import type { DigestPorts } from "#src/digest/ports.js";
import type { EditionRow, Recipient } from "#src/model.js";
import { NotFoundError, ValidationError } from "#src/errors.js";
import { acceptingMailer, digestSettings } from "#test/support/digest.js";

const logger = pino({ level: "silent" });
const now = () => new Date("2026-11-25T12:00:00Z");

function edition(counts: Partial<EditionRow["counts"]>): EditionRow {
  return {
    id: 7,
    key: "manual:x",
    frequency: "daily",
    period: "2026-11-25",
    trigger: "manual",
    createdAt: now().toISOString(),
    finishedAt: null,
    counts: { pending: 0, sending: 0, sent: 0, skipped: 0, failed: 0, ...counts },
  };
}

/** Only what a test sets; any other call fails loudly. */
function ports(over: Partial<DigestPorts>): DigestPorts {
  return new Proxy(over as DigestPorts, {
    get: (target, name: string) => target[name as keyof DigestPorts] ?? (() => Promise.reject(new Error(`unexpected call: ${name}`))),
  });
}

function previewDeps(store: DigestPorts): DeliveryDeps {
  return {
    store,
    categoryNames: async () => new Map([["world", "World"]]),
    mailer: acceptingMailer,
    template: async () => ({ html: () => "<p>digest</p>", text: () => "digest" }),
    links: { story: (_id, target) => target, preferences: (id) => `p/${id}`, unsubscribe: (id) => `u/${id}`, view: (e, id) => `v/${e}/${id}` },
    settings: digestSettings(),
    logger,
    now,
  };
}

describe("edition status", () => {
  it.each([
    [{ sending: 1, sent: 2 }, "running", 1],
    [{ sent: 2, failed: 1 }, "done", 0],
  ] as const)("counts a delivery being sent as pending (%o → %s)", (counts, status, pending) => {
    expect(editionStatus(edition(counts))).toMatchObject({ status, counts: { pending } });
  });

  it("lists an edition's failures only when some failed", async () => {
    const failure = { email: "a@example.com", attempts: 3, lastError: "550 no such user", updatedAt: now().toISOString() };
    const failed = createEditions({ store: ports({ edition: async () => edition({ failed: 1 }), failures: async () => [failure] }), logger, now }, () => {});
    expect((await failed.details(7, 100)).failures).toEqual([failure]);
    const clean = createEditions({ store: ports({ edition: async () => edition({ sent: 1 }) }), logger, now }, () => {});
    expect((await clean.details(7, 100)).failures).toEqual([]);
  });

  it("answers an unknown edition with a not-found error, and retries nothing for it", async () => {
    const due: Array<number | undefined> = [];
    const editions = createEditions({ store: ports({ edition: async () => undefined }), logger, now }, (id) => due.push(id));
    await expect(editions.details(9, 100)).rejects.toThrow(NotFoundError);
    await expect(editions.retryFailed(9)).rejects.toThrow(NotFoundError);
    expect(due).toEqual([]);
  });

  it("puts failed deliveries back and says that they are due", async () => {
    const due: Array<number | undefined> = [];
    const store = ports({ edition: async () => edition({ failed: 2 }), retryFailed: async () => 2 });
    const editions = createEditions({ store, logger, now }, (id) => due.push(id));
    expect(await editions.retryFailed(7)).toBe(2);
    expect(due).toEqual([7]);
  });
});

describe("previews for a subscriber or for choices", () => {
  it("names the categories that do not exist", async () => {
    const previews = createPreviews(previewDeps(ports({})));
    const preview = previews.previewFor({ categories: ["world", "nowhere", "atlantis"], frequency: "daily", timezone: "UTC" });
    await expect(preview).rejects.toThrow(ValidationError);
    await expect(preview).rejects.toMatchObject({ fields: { categories: "unknown: nowhere, atlantis" } });
  });

  it("looks the subscriber up by the normalized address and uses their choices", async () => {
    const asked: string[] = [];
    const ann: Recipient = {
      id: 4,
      email: "ann@example.com",
      status: "active",
      categories: ["world"],
      frequency: "weekly",
      timezone: "Asia/Tokyo",
      tokenVersion: 2,
    };
    const store = ports({
      subscriberByEmail: async (email) => (asked.push(email), email === ann.email ? ann : undefined),
      candidates: async () => [],
      history: async (ids) => new Map(ids.map((id) => [id, { sent: new Set<number>(), lastSentAt: null }])),
    });
    const previews = createPreviews(previewDeps(store));
    expect((await previews.previewFor({ subscriberEmail: " ann@EXAMPLE.com " })).html).toBe("<p>digest</p>");
    await expect(previews.previewFor({ subscriberEmail: "bob@example.com" })).rejects.toThrow("no subscriber bob@example.com");
    expect(asked).toEqual(["ann@example.com", "bob@example.com"]);
  });
});
