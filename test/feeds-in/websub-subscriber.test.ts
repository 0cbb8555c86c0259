// Dispatch as a WebSub subscriber, against a real hub on 127.0.0.1 that calls back the test app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
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

  it("unsubscribes when the partner is disabled", async () => {
    await savePartner("pusher", hub.topic, { enabled: false });
    await eventually(() => expect(hub.subscribers.size).toBe(0));
    expect(hub.requests.at(-1)).toMatchObject({ mode: "unsubscribe", topic: hub.topic, verified: true });
    hub.setEntries([{ id: "urn:story:3", title: "After leaving" }]);
    expect((await health("pusher")).push).toBeNull();
  });
});
