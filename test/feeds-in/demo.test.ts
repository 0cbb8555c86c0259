// The demo: a fresh start with the project's feeds/ shows the demo partner's items, credited.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { PROJECT_ROOT } from "#src/paths.js";
import { eventually } from "#test/support/eventually.js";

describe("the demo partner", () => {
  const app = useTestApp("sqlite", { SEED_DEMO: "auto", PARTNERS_DIR: path.join(PROJECT_ROOT, "feeds") });

  afterAll(async () => {});

  it("is pulled at start, offline, and its items are articles credited to it", async () => {
    // The first pull runs in the background right after start: wait for it to be recorded.
    let partner: any;
    await eventually(async () => {
      partner = await (await app.admin("/api/partners/wire-demo")).json();
      expect(partner.health.lastStatus).not.toBeNull();
    });
    expect(partner).toMatchObject({ name: "Demo Wire Service", origin: "file", health: { lastStatus: "ok", items: 5, healthy: true } });
    const rows = await app.store.db.kysely.selectFrom("partner_items").select("article_slug").where("partner_slug", "=", "wire-demo").execute();
    const stored = await Promise.all(rows.map(async (r) => (await app.admin(`/api/articles/${r.article_slug}`)).json()));
    expect(stored).toHaveLength(5);
    for (const a of stored) expect(a).toMatchObject({ source: "wire-demo", image: { credit: "Demo Wire Service" } });
    expect(stored.map((a) => a.category).sort()).toEqual(["science", "us-military", "us-news", "world", "world"]);
    expect(stored[0].canonicalUrl).not.toMatch(/utm_/);
  });

  it("lists the disabled real-world example without pulling it", async () => {
    const list = await (await app.admin("/api/partners")).json();
    const example = list.find((p: { enabled: boolean }) => !p.enabled);
    expect(example).toMatchObject({ url: expect.stringMatching(/^https:/), health: { lastPullAt: null } });
  });
});
