import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase } from "#test/support/backends.js";
import { startTestApp, useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { linksIn, postForm, subscribeJson } from "#test/support/subscribers.js";

const imported = { categories: ["us-news"], frequency: "weekly", timezone: "America/Chicago", sendHour: 6 };

describe.each(BACKENDS)("admin subscriber API and rate limits on %s", (backend) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp.url, SUBSCRIBE_LIMIT_PER_IP: "6", SUBSCRIBE_LIMIT_PER_ADDRESS: "2" }));

  const subscribe = (email: string, headers: Record<string, string> = {}) => subscribeJson(app.url, email, { category: "world", headers });

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("imports a confirmed subscriber with its consent source, and sends no email", async () => {
    const response = await app.admin("/api/subscribers", {
      method: "POST",
      json: { email: " Moved@Example.ORG", ...imported, confirmed: true, consentSource: "old-list 2024 signup form" },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      email: "Moved@example.org",
      status: "active",
      categories: ["us-news"],
      frequency: "weekly",
      timezone: "America/Chicago",
      sendHour: 6,
      consent: { source: "old-list 2024 signup form", confirmedAt: expect.any(String) },
    });
    const again = await app.admin("/api/subscribers", { method: "POST", json: { email: "Moved@example.org", ...imported, sendHour: 9 } });
    expect(again.status).toBe(200);
    expect((await again.json()).sendHour).toBe(9);
    // A fixed wait, not `eventually`: this checks that no email comes at all.
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.to.toLowerCase() === "moved@example.org")).toHaveLength(0);
  });

  it("refuses a confirmed import without a consent source, naming the field", async () => {
    const response = await app.admin("/api/subscribers", { method: "POST", json: { email: "noproof@example.com", ...imported, confirmed: true } });
    expect(response.status).toBe(400);
    expect((await response.json()).fields).toEqual({ consentSource: expect.stringMatching(/required/) });
    expect((await app.admin("/api/subscribers/noproof@example.com")).status).toBe(404);
  });

  it("imports a whole list in one call, reporting each bad entry by its place and importing the rest", async () => {
    const list = [
      ...Array.from({ length: 300 }, (_, i) => ({ email: `bulk${i}@example.com`, ...imported, confirmed: true, consentSource: "old list" })),
      { email: "not-an-address", ...imported },
      { email: "bulk-unknown@example.com", ...imported, categories: ["nope"] },
      { email: "bulk7@example.com", ...imported, sendHour: 11, confirmed: true, consentSource: "old list" },
    ];
    const response = await app.admin("/api/subscribers", { method: "POST", json: { subscribers: list } });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toEqual({
      created: 300,
      updated: 1,
      errors: [
        { index: 300, email: "not-an-address", error: "subscriber: invalid input", fields: { email: expect.any(String) } },
        { index: 301, email: "bulk-unknown@example.com", error: "subscriber: invalid input", fields: { categories: 'unknown category "nope"' } },
      ],
    });
    expect(await (await app.admin("/api/subscribers/bulk299@example.com")).json()).toMatchObject({ status: "active", sendHour: 6 });
    expect((await (await app.admin("/api/subscribers/bulk7@example.com")).json()).sendHour).toBe(11);
    expect((await app.admin("/api/subscribers/bulk-unknown@example.com")).status).toBe(404);
    // A list of which nothing could be imported is a bad request; so is a list that is not a list.
    const none = await app.admin("/api/subscribers", { method: "POST", json: { subscribers: [{ email: "x" }] } });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: "subscriber: no entry could be imported", created: 0, errors: [{ index: 0 }] });
    const notList = await app.admin("/api/subscribers", { method: "POST", json: { subscribers: "everyone" } });
    expect(notList.status).toBe(400);
    expect((await notList.json()).fields).toEqual({ subscribers: "must be a list of subscribers" });
    const tooMany = await app.admin("/api/subscribers", { method: "POST", json: { subscribers: Array.from({ length: 5001 }, () => ({})) } });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).fields.subscribers).toMatch(/at most 5000/);
  });

  it("never turns an unsubscribed address back on through an import", async () => {
    await app.admin("/api/subscribers", { method: "POST", json: { email: "optout@example.com", ...imported, confirmed: true, consentSource: "csv" } });
    await subscribe("optout@example.com");
    const { unsubscribe } = linksIn(await smtp.waitFor("optout@example.com"));
    await postForm(unsubscribe, [["List-Unsubscribe", "One-Click"]]);
    await app.admin("/api/subscribers", { method: "POST", json: { email: "optout@example.com", ...imported, confirmed: true, consentSource: "csv" } });
    expect((await (await app.admin("/api/subscribers/optout@example.com")).json()).status).toBe("unsubscribed");
  });

  it("lists counts by status, category and frequency, and pages through subscribers", async () => {
    for (const n of [1, 2, 3])
      await app.admin("/api/subscribers", { method: "POST", json: { email: `list${n}@example.net`, ...imported, categories: ["world"], frequency: "daily" } });
    const body = await (await app.admin("/api/subscribers?status=pending&pageSize=2&page=1")).json();
    expect(body.counts.status.pending).toBeGreaterThanOrEqual(3);
    expect(body.counts.total).toBe(Object.values(body.counts.status as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(body.counts.frequency).toEqual({ daily: expect.any(Number), weekly: expect.any(Number) });
    expect(body.counts.category["us-news"]).toBeGreaterThanOrEqual(1);
    expect(body.subscribers).toHaveLength(2);
    expect(body.subscribers.every((s: { status: string }) => s.status === "pending")).toBe(true);
    const bad = await app.admin("/api/subscribers?pageSize=100000&status=gone");
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).fields).sort()).toEqual(["pageSize", "status"]);
  });

  it("exports everything stored about a subscriber and erases them on request", async () => {
    await subscribe("erase.me@Example.com", { "user-agent": "erase-test" });
    const links = linksIn(await smtp.waitFor("erase.me@example.com"));
    const exported = await (await app.admin("/api/subscribers/erase.me@EXAMPLE.com")).json();
    expect(exported).toEqual({
      email: "erase.me@example.com",
      status: "pending",
      categories: ["world"],
      frequency: "daily",
      timezone: "UTC",
      sendHour: 7,
      consent: { at: expect.any(String), ip: "127.0.0.1", userAgent: "erase-test", source: "form", confirmedAt: null },
      unsubscribedAt: null,
      bounceCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await app.admin("/api/subscribers/erase.me@example.com", { method: "DELETE" })).status).toBe(204);
    expect((await app.admin("/api/subscribers/erase.me@example.com")).status).toBe(404);
    expect((await app.admin("/api/subscribers/erase.me@example.com", { method: "DELETE" })).status).toBe(404);
    const dead = await fetch(links.preferences);
    expect(dead.status).toBe(410);
    expect(await dead.text()).not.toContain("erase.me");
  });

  it("requires the admin key", async () => {
    for (const [method, path] of [
      ["GET", "/api/subscribers"],
      ["POST", "/api/subscribers"],
      ["GET", "/api/subscribers/a@example.com"],
      ["DELETE", "/api/subscribers/a@example.com"],
    ] as const) {
      expect((await fetch(`${app.url}${path}`, { method })).status).toBe(401);
    }
  });

  it("limits subscriptions per address, whatever its spelling or +tag, so no inbox can be flooded", async () => {
    const answers = [];
    for (const email of ["flood@example.com", "FLOOD+news@example.com ", "flood+2@EXAMPLE.com"]) answers.push((await subscribe(email)).status);
    expect(answers).toEqual([202, 202, 429]);
    const limited = await subscribe("flood+3@example.com");
    expect(await limited.json()).toEqual({ error: expect.stringMatching(/too many/i) });
    const flood = () => smtp.messages.filter((m) => m.to.toLowerCase().replace(/\+[^@]*/, "") === "flood@example.com");
    await eventually(() => expect(flood()).toHaveLength(2));
    // A fixed wait after that, not `eventually`: this checks that no third email comes.
    await new Promise((r) => setTimeout(r, 200));
    expect(flood()).toHaveLength(2);
    // The address is kept as given: the tag is how its owner sorts their mail.
    expect((await (await app.admin("/api/subscribers/FLOOD%2Bnews@example.com")).json()).email).toBe("FLOOD+news@example.com");
  });

  it("limits subscriptions per client IP, with a page for the form", async () => {
    // An app of its own, so that no other test's requests count toward this client's limit.
    const own = await createTestDatabase(backend);
    const limited = await startTestApp(own, { SMTP_URL: smtp.url, SUBSCRIBE_LIMIT_PER_IP: "3", SUBSCRIBE_LIMIT_PER_ADDRESS: "2" });
    try {
      await limited.admin("/api/categories", { method: "POST", json: CATEGORIES[2] });
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${limited.url}/subscribe`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: `ip${i}@example.com`, categories: ["world"], frequency: "daily", timezone: "UTC" }),
        });
        answers.push(response.status);
      }
      expect(answers).toEqual([202, 202, 202, 429]);
      const form = await postForm(`${limited.url}/subscribe`, [["email", "page@example.com"]]);
      expect(form.status).toBe(429);
      expect(form.headers.get("ratelimit-policy")).toBeTruthy();
      expect(await form.text()).toContain("Please try again later");
    } finally {
      await limited.close();
      await own.drop();
    }
  });
});
