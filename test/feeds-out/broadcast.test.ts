// Several processes on one database and one Redis: a change saved through one shows in the
// feeds of the other, whose cache had the old version; a sign-out in one ends the session in both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { request } from "#test/support/http.js";
import { postAs, signIn } from "#test/support/admin.js";

const REDIS = process.env.TEST_REDIS_URL;

describe.skipIf(!REDIS)("feed invalidation across processes (Redis)", () => {
  let database: TestDatabase;
  let writer: TestApp;
  let reader: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_DATABASE_URL ? "postgres" : "sqlite");
    writer = await startTestApp(database, { REDIS_URL: REDIS! });
    reader = await startTestApp(database, { REDIS_URL: REDIS! });
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await database.drop();
  });

  it("drops the other process's cached feed after a write", async () => {
    for (const c of CATEGORIES) await writer.admin("/api/categories", { method: "POST", json: c });
    await writer.admin("/api/articles", { method: "POST", json: article({ slug: "bus-1", title: "First version", category: "world" }) });
    expect((await request(`${reader.url}/feeds/world.rss`)).text).toContain("First version");
    await writer.admin("/api/articles/bus-1", { method: "PATCH", json: { title: "Second version" } });
    await eventually(async () => expect((await request(`${reader.url}/feeds/world.rss`)).text).toContain("Second version"));
    await writer.admin("/api/categories", { method: "POST", json: { slug: "world", name: "Whole World", description: "" } });
    await eventually(async () => expect((await request(`${reader.url}/feeds/world.atom`)).text).toContain("Whole World"));
  });

  it("ends a signed-out admin session in the other process too", async () => {
    const { session } = await signIn(writer.url);
    const onReader = () => fetch(`${reader.url}/admin`, { redirect: "manual", headers: { cookie: session.cookie } }).then((r) => r.status);
    expect(await onReader()).toBe(200);
    expect((await postAs(session, `${writer.url}/admin/logout`)).status).toBe(303);
    await eventually(async () => expect(await onReader()).toBe(401));
  });
});
