import { beforeAll, describe, expect, it } from "vitest";
import { rowLookups, readHeader, readRow, type CsvRow } from "#src/subscribers/csv-columns.js";
import { planBatch, type PlanDefaults } from "#src/subscribers/csv-plan.js";
import { IMPORT_BATCH } from "#src/subscribers/csv-import.js";
import type { Category, Subscriber } from "#src/model.js";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";

const lookups = rowLookups(CATEGORIES as Category[]);
const defaults: PlanDefaults = { categories: ["world"], consentSource: "csv import", now: "2030-01-01T00:00:00.000Z" };
const read = (header: string[], cells: string[]) => readRow(readHeader(header)!, cells, lookups);

describe("reading an imported CSV's columns", () => {
  it.each([
    [["Email Address", "TAGS", "TIMEZONE", "CONFIRM_TIME", "OPTIN_TIME"], { email: [0], categories: [1], timezone: [2], consentAt: [3, 4] }],
    [["uuid", "email", "name", "attributes", "status", "created_at", "updated_at"], { email: [1], status: [4], consentAt: [5] }],
    [
      ["E-mail", "Lists", "Time Zone", "Send Hour", "Consent Date", "Consent Source", "Frequency"],
      { email: [0], categories: [1], timezone: [2], sendHour: [3], consentAt: [4], consentSource: [5], frequency: [6] },
    ],
    [["email", "status", "categories", "frequency", "timezone", "send_hour", "consent_at", "consent_source", "created_at"], { consentAt: [6, 8] }],
  ])("maps %j", (header, index) => {
    expect(readHeader(header)!.index).toMatchObject(index);
  });

  it("refuses a header with no email column, and reads Mailchimp's unsubscribed and cleaned files as opt-outs", () => {
    expect(readHeader(["name", "city"])).toBeUndefined();
    expect(readHeader(["Email Address", "UNSUB_TIME"])!.defaultStatus).toBe("unsubscribed");
    expect(readHeader(["Email Address", "CLEAN_TIME"])!.defaultStatus).toBe("suppressed");
    expect(readHeader(["Email Address"])!.defaultStatus).toBe("active");
  });

  it.each([
    ['"US News","World"', ["us-news", "world"]],
    ["world; us-military | US NEWS", ["world", "us-military", "us-news"]],
    ["World,world", ["world"]],
  ])("reads the categories cell %j as names or slugs", (cell, slugs) => {
    expect(read(["email", "tags"], ["a@example.com", cell])).toEqual({ row: { email: "a@example.com", status: "active", categories: slugs } });
  });

  it.each([
    ["subscribed", "active"],
    ["Enabled", "active"],
    ["unconfirmed", "pending"],
    ["unsubscribed", "unsubscribed"],
    ["disabled", "unsubscribed"],
    ["cleaned", "suppressed"],
    ["blocklisted", "suppressed"],
    ["", "active"],
  ])("reads the status %j as %s", (cell, status) => {
    expect(read(["email", "status"], ["a@example.com", cell])).toMatchObject({ row: { status } });
  });

  it.each([
    ["2023-01-15 09:12:44", "2023-01-15T09:12:44.000Z"],
    ["2024-03-02 10:11:12.345678+00", "2024-03-02T10:11:12.345Z"],
    ["2023-12-24 18:00:00+01", "2023-12-24T17:00:00.000Z"],
    ["2023-12-24T18:00:00-05:30", "2023-12-24T23:30:00.000Z"],
    ["2023-12-24", "2023-12-24T00:00:00.000Z"],
  ])("reads the consent time %j", (cell, iso) => {
    expect(read(["email", "OPTIN_TIME"], ["a@example.com", cell])).toMatchObject({ row: { consentAt: iso } });
  });

  it("names every bad cell of a row, and takes off the export's formula guard", () => {
    const result = read(
      ["email", "tags", "tz", "frequency", "send hour", "optin_time", "status"],
      ["not mail", "Sports", "Mars/Base", "hourly", "25", "yesterday", "gone"],
    );
    expect(Object.keys((result as { fields: object }).fields).sort()).toEqual([
      "categories",
      "consentAt",
      "email",
      "frequency",
      "sendHour",
      "status",
      "timezone",
    ]);
    expect(read(["email", "source"], ["'-a@example.com", "'=1+1"])).toEqual({ row: { email: "-a@example.com", status: "active", consentSource: "=1+1" } });
  });
});

describe("planning a batch", () => {
  const known = (overrides: Partial<Subscriber>): Subscriber => ({
    id: 1,
    email: "k@example.com",
    status: "active",
    categories: ["world"],
    frequency: "daily",
    timezone: "UTC",
    sendHour: 7,
    consent: { at: null, ip: null, userAgent: null, source: "form", confirmedAt: null },
    unsubscribedAt: null,
    bounceCount: 0,
    tokenVersion: 0,
    createdAt: defaults.now,
    updatedAt: defaults.now,
    ...overrides,
  });
  const row = (overrides: Partial<CsvRow>): CsvRow => ({ email: "k@example.com", status: "active", ...overrides });

  it.each([
    ["unsubscribed", "active", "keptSuppressed"],
    ["suppressed", "pending", "keptSuppressed"],
    ["unsubscribed", "unsubscribed", "unchanged"],
    ["active", "unsubscribed", "updated"],
    ["pending", "active", "updated"],
    ["active", "pending", "unchanged"],
  ] as const)("a %s subscriber and a %s row: %s", (status, rowStatus, outcome) => {
    const { outcomes, writes } = planBatch([known({ status })], [row({ status: rowStatus })], defaults);
    expect(outcomes).toEqual([outcome]);
    if (outcome !== "updated") expect(writes.updates).toEqual([]);
  });

  it("judges an address twice in a batch by what the first row made of it, and inserts it once", () => {
    const rows = [
      row({ email: "new@example.com" }),
      row({ email: "new@example.com", frequency: "weekly" }),
      row({ email: "new@example.com", frequency: "weekly" }),
    ];
    const { outcomes, writes } = planBatch([], rows, defaults);
    expect(outcomes).toEqual(["created", "updated", "unchanged"]);
    expect(writes.inserts).toEqual([expect.objectContaining({ email: "new@example.com", frequency: "weekly", categories: ["world"] })]);
  });

  it("needs a category for a new subscriber, but records an opt-out without one", () => {
    const none = { ...defaults, categories: [] };
    expect(planBatch([], [row({})], none).outcomes).toEqual([{ error: expect.stringMatching(/at least one category/) }]);
    expect(planBatch([], [row({ status: "suppressed" })], none).outcomes).toEqual(["created"]);
  });
});

describe.each(BACKENDS)("importing a list larger than a batch on %s", (backend) => {
  const app = useTestApp(backend);
  const rows = IMPORT_BATCH * 2 + 500;
  // One address on the first row and again in the last batch: it is created once, then unchanged.
  const csv = ["email", ...Array.from({ length: rows }, (_, i) => `reader${i}@example.com`), "reader0@example.com"].join("\n");
  const importCsv = (query: string) => app.admin(`/api/subscribers/import${query}`, { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
  const total = async () => (await (await app.admin("/api/subscribers?pageSize=1")).json()).counts.total;

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("writes nothing on a dry run", async () => {
    const report = await (await importCsv("?dryRun=true&categories=world")).json();
    expect(report).toMatchObject({ dryRun: true, rows: rows + 1, counts: { invalid: 0 } });
    expect(report.counts.created).toBeGreaterThanOrEqual(rows);
    expect(await total()).toBe(0);
  });

  it("imports every batch, and a second import changes nothing", async () => {
    expect((await (await importCsv("?categories=world")).json()).counts).toEqual({ created: rows, updated: 0, unchanged: 1, invalid: 0, keptSuppressed: 0 });
    expect(await total()).toBe(rows);
    expect((await (await importCsv("?categories=world")).json()).counts).toMatchObject({ created: 0, unchanged: rows + 1 });
  });

  it("exports them all, page after page, in the order they came", async () => {
    const lines = (await (await app.admin("/api/subscribers.csv")).text()).trim().split("\n");
    expect(lines).toHaveLength(rows + 1);
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(Array.from({ length: rows }, (_, i) => `reader${i}@example.com`));
  });
});
