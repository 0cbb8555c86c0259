// Wrong admin keys are throttled per client IP; valid keys and sessions never are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { ADMIN_KEY, startTestApp, useTestApp, type TestApp } from "#test/support/app.js";

const REDIS = process.env.TEST_REDIS_URL;

/** Requests as one client: the app trusts X-Forwarded-For from its loopback proxy, as behind nginx. */
function client(url: string, ip: string) {
  const forwarded = { "x-forwarded-for": ip };
  return {
    api: (key?: string, path = "/api/editions") => fetch(`${url}${path}`, { headers: { ...forwarded, ...(key ? { authorization: `Bearer ${key}` } : {}) } }),
    signIn: async (key: string) => {
      const form = await fetch(`${url}/admin/login`, { headers: forwarded });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
      const cookie = form.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      return fetch(`${url}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { ...forwarded, cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, key }).toString(),
      });
    },
  };
}

async function statuses(n: number, call: () => Promise<Response>): Promise<number[]> {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push((await call()).status);
  return answers;
}

describe.each(BACKENDS)("the admin key throttle on %s", (backend) => {
  const app = useTestApp(backend);

  afterAll(async () => {});

  it("answers 429 with JSON after ten wrong bearer keys, and still lets the right key in", async () => {
    const c = client(app.url, "203.0.113.1");
    expect(await statuses(10, () => c.api("wrong-key-guess"))).toEqual(Array(10).fill(401));
    const limited = await c.api("another-guess");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: expect.stringMatching(/^too many requests with a wrong admin key from this client; try again in 1[45] minutes$/),
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    // Every door counts the same guesses: the dashboard and /metrics too.
    expect((await c.api("guess", "/metrics")).status).toBe(429);
    expect((await c.api(ADMIN_KEY)).status).toBe(200);
    expect((await c.api(ADMIN_KEY, "/admin")).status).toBe(200);
    // No key at all is not a guess: the usual 401.
    expect((await c.api()).status).toBe(401);
    // Another client is not held back.
    expect((await client(app.url, "203.0.113.99").api("one-guess")).status).toBe(401);
  });

  it("shows the sign-in form with 429 after ten wrong keys, and signs in with the right one", async () => {
    const c = client(app.url, "203.0.113.2");
    expect(await statuses(10, () => c.signIn("not-the-key"))).toEqual(Array(10).fill(401));
    const limited = await c.signIn("still-not-the-key");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await limited.text()).toMatch(/Too many wrong keys from your network\. Please try again in 1[45] minutes\./);
    const right = await c.signIn(ADMIN_KEY);
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/admin");
  });

  it("counts only failures: requests with the right key in between do not use up the allowance", async () => {
    const c = client(app.url, "203.0.113.3");
    expect(await statuses(9, () => c.api("guess"))).toEqual(Array(9).fill(401));
    expect(await statuses(15, () => c.api(ADMIN_KEY))).toEqual(Array(15).fill(200));
    expect(await statuses(3, () => c.api())).toEqual(Array(3).fill(401));
    expect((await c.api("guess")).status).toBe(401);
    expect((await c.api("guess")).status).toBe(429);
  });
});

describe.skipIf(!REDIS)("the admin key throttle across processes (Redis)", () => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_DATABASE_URL ? "postgres" : "sqlite");
    // Its own prefix: counts in Redis outlive the test by the window.
    const env = { REDIS_URL: REDIS!, DISPATCH_ROLE: "web", QUEUE_PREFIX: `throttle-${process.pid}-${Date.now()}` };
    one = await startTestApp(database, env);
    two = await startTestApp(database, env);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database.drop();
  });

  it("counts a client's wrong keys in every web process", async () => {
    const [a, b] = [client(one.url, "198.51.100.7"), client(two.url, "198.51.100.7")];
    expect(await statuses(5, () => a.api("guess"))).toEqual(Array(5).fill(401));
    expect(await statuses(5, () => b.signIn("guess"))).toEqual(Array(5).fill(401));
    expect((await a.api("guess")).status).toBe(429);
    expect((await b.api(ADMIN_KEY)).status).toBe(200);
  });
});
