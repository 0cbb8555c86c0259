// Reports that name a digest's Message-ID count against its edition, on the operators' dashboard.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES, article } from "#test/support/builders.js";
import { waitForEdition } from "#test/support/subscribers.js";
import { BACKENDS } from "#test/support/backends.js";
import { addSubscribers } from "#test/support/webhooks.js";

describe.each(BACKENDS)("bounce and complaint rates per edition (%s)", (backend) => {
  const app = useTestApp(backend);
  let edition: number;
  const idOf = async (email: string) =>
    (await app.store.db.kysely.selectFrom("subscribers").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    await app.admin("/api/articles", { method: "POST", json: article({ slug: "news", category: "world" }) });
    await addSubscribers(app, ["a@example.com", "b@example.com", "c@example.com"]);
    edition = (await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json()).id;
    expect((await waitForEdition(app.admin, edition)).counts.sent).toBe(3);
  });

  it("shows each edition's hard bounces and complaints as a share of those sent, marked at 0.3 % and above", async () => {
    const messageId = async (email: string) => `<edition-${edition}.subscriber-${await idOf(email)}@localhost>`;
    const events = [
      { email: "a@example.com", type: "complaint", id: "c-1", messageId: await messageId("a@example.com") },
      { email: "b@example.com", type: "bounce", permanent: false, id: "s-1", messageId: await messageId("b@example.com") },
      // Another subscriber's Message-ID: not counted against the edition.
      { email: "c@example.com", type: "bounce", id: "h-1", messageId: await messageId("a@example.com") },
    ];
    expect((await app.admin("/api/bounces", { method: "POST", json: { events } })).status).toBe(200);
    const html = await (await app.admin("/admin")).text();
    const row = new RegExp(`<tr data-edition="${edition}">[\\s\\S]*?</tr>`).exec(html)![0];
    expect(row).toContain('<td class="n">0<br><span class="muted">0.00 %</span></td>');
    expect(row).toContain('<td class="n">1<br><span class="state unhealthy">33.33 %</span></td>');
    const page = await (await app.admin(`/admin/editions/${edition}`)).text();
    expect(page).toContain("hard bounces 0 (0.00 %) · complaints 1 (33.33 %, <span");
  });
});
