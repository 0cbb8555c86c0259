// Dispatch as a WebSub subscriber, against a real hub on 127.0.0.1 that calls back the test app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { signIn } from "#test/support/admin.js";
import { startWebsubHub, type WebsubHub } from "#test/support/websub-hub.js";

describe.each(BACKENDS)("WebSub subscriptions to partners on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off" });
  let hub: WebsubHub;

  const savePartner = async (slug: string, url: string, extra: Record<string, unknown> = {}) => {
    const response = await app.admin("/api/partners", {
      method: "POST",
      json: { slug, name: `Partner ${slug}`, url, category: "world", allowPrivateNetwork: true, ...extra },
    });
    expect(response.status).toBeLessThan(300);
  };
  const pull = async (slug: string) => expect((await app.admin(`/api/partners/${slug}/pull`, { method: "POST" })).status).toBe(200);
  const health = async (slug: string) => (await (await app.admin(`/api/partners/${slug}`)).json()).health;
  const worldTitles = async (): Promise<string[]> => {
    const feed = await (await fetch(`${app.url}/feeds/world.json`)).json();
    return feed.items.map((i: { title: string }) => i.title);
  };
  const count = (titles: string[], title: string) => titles.filter((t) => t === title).length;
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  beforeAll(async () => {
    hub = await startWebsubHub();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    hub.setEntries([{ id: "urn:story:1", title: "First pulled story" }]);
    await savePartner("pusher", hub.topic);
    await pull("pusher");
    await eventually(() => expect(hub.subscribers.size).toBe(1));
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("subscribes to the advertised hub with a callback under BASE_URL, a secret and a lease", async () => {
    const [request] = hub.requests;
    expect(request).toMatchObject({ mode: "subscribe", topic: hub.topic, verified: true });
    expect(request!.callback).toMatch(new RegExp(`^${app.url}/websub/callback/[A-Za-z0-9_-]{32}$`));
    const sub = hub.subscribers.get(request!.callback)!;
    expect(sub.secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(sub.leaseSeconds).toBe(864000);
    const push = (await health("pusher")).push;
    expect(push).toMatchObject({ state: "active", hub: hub.url, topic: hub.topic, lastPushAt: null, lastError: null });
    expect(Date.parse(push.leaseExpiresAt) - Date.now()).toBeGreaterThan(863000 * 1000);
    expect(JSON.stringify(push)).not.toContain(sub.secret!);
  });

  it("pulls a pushed partner only at the long safety-net interval", async () => {
    await pull("pusher");
    const { lastPullAt, nextPullAt } = await health("pusher");
    expect(Date.parse(nextPullAt) - Date.parse(lastPullAt)).toBeGreaterThanOrEqual(359 * 60_000);
  });

  it("takes a signed push into the partner's category feed within 2 s, and a replay adds nothing", async () => {
    hub.setEntries([
      { id: "urn:story:1", title: "First pulled story" },
      { id: "urn:story:2", title: "Pushed story" },
    ]);
    const body = hub.document();
    expect(await hub.publish(body)).toEqual([202]);
    await eventually(async () => expect(await worldTitles()).toContain("Pushed story"), 2000);
    expect(await hub.publish(body)).toEqual([202]);
    expect(await hub.publish(body, { algorithm: "sha512" })).toEqual([202]);
    await eventually(async () => expect((await health("pusher")).push.lastPushAt).not.toBeNull());
    const items = () => app.store.db.kysely.selectFrom("partner_items").select("article_slug").where("partner_slug", "=", "pusher").execute();
    await eventually(async () => expect((await items()).length).toBe(2));
    const titles = await worldTitles();
    expect(count(titles, "Pushed story")).toBe(1);
    expect(count(titles, "First pulled story")).toBe(1);
  });

  it("ignores a push with a wrong, missing or sha1 signature (202, recorded, nothing ingested)", async () => {
    hub.setEntries([{ id: "urn:story:9", title: "Forged story" }]);
    const body = hub.document();
    expect(await hub.publish(body, { secret: "not-the-secret" })).toEqual([202]);
    expect((await health("pusher")).push.lastError).toBe("push with an invalid signature ignored");
    expect(await hub.publish(body, { signature: null })).toEqual([202]);
    expect((await health("pusher")).push.lastError).toBe("push without a signature ignored");
    expect(await hub.publish(body, { algorithm: "sha1" })).toEqual([202]);
    expect((await health("pusher")).push.lastError).toBe("push signed with sha1 (refused) ignored");
    // Pushes are taken one at a time: once a signed one is in, any earlier one would be too.
    hub.setEntries([{ id: "urn:story:10", title: "Signed marker" }]);
    expect(await hub.publish()).toEqual([202]);
    await eventually(async () => expect(await worldTitles()).toContain("Signed marker"), 2000);
    expect(await worldTitles()).not.toContain("Forged story");
    const rows = await app.store.db.kysely.selectFrom("partner_items").select("item_id").where("partner_slug", "=", "pusher").execute();
    expect(rows.map((r) => r.item_id)).not.toContain("urn:story:9");
    expect(rows.map((r) => r.item_id)).toContain("urn:story:10");
  });

  it("answers 404 to a challenge for a topic it did not ask for, or a callback it does not hold", async () => {
    const { callback } = [...hub.subscribers.values()][0]!;
    const challenge = { "hub.mode": "subscribe", "hub.challenge": "c-123", "hub.lease_seconds": "100" };
    expect(await hub.verify(callback, { ...challenge, "hub.topic": `${hub.topic}?other` })).toMatchObject({ status: 404 });
    expect(await hub.verify(`${app.url}/websub/callback/unknown-id`, { ...challenge, "hub.topic": hub.topic })).toMatchObject({ status: 404 });
    expect(await hub.verify(callback, { ...challenge, "hub.mode": "unsubscribe", "hub.topic": hub.topic })).toMatchObject({ status: 404 });
    expect((await fetch(`${app.url}/websub/callback/unknown-id`, { method: "POST", body: "x" })).status).toBe(410);
  });

  it("renews a lease before it ends", async () => {
    const shortHub = await startWebsubHub({ leaseSeconds: 3 });
    try {
      await savePartner("renewer", shortHub.topic);
      await pull("renewer");
      await eventually(() => expect(shortHub.requests.filter((r) => r.verified)).toHaveLength(1));
      await eventually(
        async () => {
          await pull("renewer");
          expect(shortHub.requests.filter((r) => r.mode === "subscribe" && r.verified)).toHaveLength(2);
        },
        10_000,
        200,
      );
      expect(new Set(shortHub.requests.map((r) => r.callback)).size).toBe(1);
      expect((await health("renewer")).push.state).toBe("active");
      // A hub may deny a subscription later on: recorded, with its reason, and pushes are refused.
      const callback = shortHub.requests[0]!.callback;
      const denied = await shortHub.verify(callback, { "hub.mode": "denied", "hub.topic": shortHub.topic, "hub.reason": "<b>quota</b>" });
      expect(denied.status).toBe(200);
      expect((await health("renewer")).push).toMatchObject({ state: "denied", lastError: "hub denied the subscription: <b>quota</b>" });
      expect(await shortHub.publish()).toEqual([410]);
    } finally {
      await shortHub.close();
    }
  });

  it("keeps the safety-net interval when the feed's own pace is faster", async () => {
    // Items two minutes apart (dated before the subscription, so no push was owed for them).
    hub.setEntries([0, 2, 4, 6].map((m) => ({ id: `urn:paced:${m}`, title: `Paced story ${m}`, updated: ago(180 + m) })));
    await pull("pusher");
    const { lastPullAt, nextPullAt, learnedIntervalMinutes, push } = await health("pusher");
    expect(learnedIntervalMinutes).toBe(2);
    expect(Date.parse(nextPullAt) - Date.parse(lastPullAt)).toBeGreaterThanOrEqual(359 * 60_000);
    expect(push).toMatchObject({ missedItems: 0, warning: null });
  });

  it("accepts a push up to PARTNER_MAX_BYTES (15 MB by default, as a pull), past the old 4 MB", async () => {
    const { lastPushAt: before, lastError } = (await health("pusher")).push;
    hub.setEntries([{ id: "urn:story:big", title: "Big pushed story" }]);
    const body = hub.document().replace("</feed>", `<!--${"x".repeat(4 * 1024 * 1024 + 1024)}--></feed>`);
    expect(await hub.publish(body)).toEqual([202]);
    // Reading 4 MB takes the parse worker a few seconds on a loaded machine: wait for the push to be recorded.
    await eventually(async () => expect((await health("pusher")).push.lastPushAt).not.toBe(before), 30_000, 100);
    expect((await health("pusher")).push.lastError).toBe(lastError); // no "push not ingested"
    expect(await worldTitles()).toContain("Big pushed story");
  });

  it("records a hub that verified but does not push what the safety-net pull finds, until it pushes again", async () => {
    const silentHub = await startWebsubHub();
    try {
      silentHub.setEntries([{ id: "urn:silent:0", title: "Silent first", updated: ago(600) }]);
      await savePartner("silent", silentHub.topic, { intervalMinutes: 20 });
      await pull("silent");
      await eventually(() => expect(silentHub.subscribers.size).toBe(1));
      await eventually(async () => expect((await health("silent")).push).toMatchObject({ state: "active", missedItems: 0, warning: null }));
      // The hub verified three hours ago; since then, one story came out an hour ago (the hub owed a push)
      // and one five minutes ago (still within the grace a hub has to push it).
      await app.store.db.kysely
        .updateTable("websub_subscriptions")
        .set({ verified_at: ago(180) })
        .where("partner_slug", "=", "silent")
        .execute();
      silentHub.setEntries([
        { id: "urn:silent:0", title: "Silent first", updated: ago(600) },
        { id: "urn:silent:1", title: "Silent missed", updated: ago(60) },
        { id: "urn:silent:2", title: "Silent recent", updated: ago(5) },
      ]);
      await pull("silent");
      const found = await health("silent");
      const warning = `hub ${silentHub.url} verified the subscription but sent nothing in 3 hours while polling found 1 new item`;
      expect(found.push).toMatchObject({ state: "active", missedItems: 1, warning });
      // Not trusted as a pusher any more: pulled at its own pace (the median gap of its items), not the safety net's.
      expect(found.learnedIntervalMinutes).toBe(298);
      expect(Date.parse(found.nextPullAt) - Date.parse(found.lastPullAt)).toBe(298 * 60_000);
      const listed = (await (await app.admin("/api/partners")).json()) as Array<{ slug: string; health: { push: { warning: string | null } | null } }>;
      expect(listed.find((p) => p.slug === "silent")!.health.push!.warning).toBe(warning);
      expect(listed.find((p) => p.slug === "pusher")!.health.push!.warning).toBeNull();
      const { session } = await signIn(app.url);
      const html = await (await fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } })).text();
      const row = /<tr data-partner="silent">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
      expect(row).toContain("push: active, lease ends in 10 days, no push yet");
      expect(row).toContain(`Push warning: ${warning}`);
      // The hub pushes again: the warning goes.
      expect(await silentHub.publish()).toEqual([202]);
      await eventually(async () => expect((await health("silent")).push).toMatchObject({ missedItems: 0, warning: null, lastPushAt: expect.any(String) }));
    } finally {
      await silentHub.close();
    }
  });

  it("unsubscribes when the partner is disabled", async () => {
    await savePartner("pusher", hub.topic, { enabled: false });
    await eventually(() => expect(hub.subscribers.size).toBe(0));
    expect(hub.requests.at(-1)).toMatchObject({ mode: "unsubscribe", topic: hub.topic, verified: true });
    hub.setEntries([{ id: "urn:story:3", title: "After leaving" }]);
    expect((await health("pusher")).push).toBeNull();
  });
});
