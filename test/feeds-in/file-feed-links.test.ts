// A feed delivered as a file (the demo partner) has no web address: its relative links resolve
// against our public origin, so its images follow BASE_URL whatever host and port serve them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, openTestStore, type TestDatabase } from "#test/support/backends.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import { testPartnerService } from "#test/feeds-in/support/partners.js";
import { DEMO_CATEGORIES } from "#src/demo/content.js";
import type { Store } from "#src/store/index.js";
import { PROJECT_ROOT } from "#src/paths.js";

describe("links in a feed delivered as a file", () => {
  let database: TestDatabase;
  let store: Store;
  let partners: PartnerService;
  let publicBase = "https://news.example.test:8443/dispatch";

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    store = await openTestStore(database);
    for (const c of DEMO_CATEGORIES) await store.categories.upsert(c, new Date().toISOString());
    const config = { partnersDir: path.join(PROJECT_ROOT, "feeds"), timeoutMs: 1000, concurrency: 1, maxBackoffMinutes: 60, publicBase: () => publicBase };
    partners = testPartnerService(store, { config });
    await partners.syncDefinitions();
  });
  afterAll(async () => {
    await partners?.close();
    await store?.close();
    await database?.drop();
  });

  const images = async () => {
    const rows = await store.db.kysely.selectFrom("articles").select(["image_url"]).where("source", "=", "wire-demo").execute();
    return rows.map((r) => r.image_url);
  };

  it("gives the demo partner's images our public origin (with its path), read at each pull", async () => {
    const first = await partners.pullNow("wire-demo");
    expect(first.pull.status).toBe("ok");
    const urls = await images();
    expect(urls).toHaveLength(5);
    for (const url of urls) expect(url).toMatch(/^https:\/\/news\.example\.test:8443\/dispatch\/static\/demo\/wire-[1-6]\.jpg$/);

    // Another origin (another port, say): the next pull reads the unchanged file again and gives the new one.
    publicBase = "http://localhost:4100";
    expect((await partners.pullNow("wire-demo")).pull).toMatchObject({ status: "ok", updated: 5 });
    for (const url of await images()) expect(url).toMatch(/^http:\/\/localhost:4100\/static\/demo\/wire-[1-6]\.jpg$/);
  });
});
