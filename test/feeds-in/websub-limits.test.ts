// A push is read up to the limit of a pull (PARTNER_MAX_BYTES): at the limit it is taken in, one byte
// past it is answered 413 with the limit named. A real hub on 127.0.0.1 signs and sends both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { startWebsubHub, type WebsubHub } from "#test/support/websub-hub.js";

const LIMIT = 64 * 1024;

/** The hub's document padded with a comment to exactly `bytes` bytes. */
function sized(document: string, bytes: number): string {
  const room = bytes - Buffer.byteLength(document) - "<!---->".length;
  expect(room).toBeGreaterThan(0);
  const body = document.replace("</feed>", `<!--${"x".repeat(room)}--></feed>`);
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

describe.each(BACKENDS)("the size of a WebSub push on %s", (backend) => {
  const app = useTestApp(backend, { PARTNERS_CRON: "off", PARTNER_MAX_BYTES: String(LIMIT) });
  let hub: WebsubHub;
  const worldTitles = async (): Promise<string[]> =>
    ((await (await fetch(`${app.url}/feeds/world.json`)).json()).items as Array<{ title: string }>).map((i) => i.title);

  beforeAll(async () => {
    hub = await startWebsubHub();
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
    hub.setEntries([{ id: "urn:limit:0", title: "Pulled first" }]);
    const saved = await app.admin("/api/partners", {
      method: "POST",
      json: { slug: "sized", name: "Sized", url: hub.topic, category: "world", allowPrivateNetwork: true },
    });
    expect(saved.status).toBe(201);
    expect((await app.admin("/api/partners/sized/pull", { method: "POST" })).status).toBe(200);
    await eventually(() => expect(hub.subscribers.size).toBe(1));
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("takes a push of exactly PARTNER_MAX_BYTES", async () => {
    hub.setEntries([{ id: "urn:limit:1", title: "At the limit" }]);
    expect(await hub.publish(sized(hub.document(), LIMIT))).toEqual([202]);
    await eventually(async () => expect(await worldTitles()).toContain("At the limit"), 5000);
  });

  it("answers 413 with the limit named to a push one byte larger, and takes nothing from it", async () => {
    hub.setEntries([{ id: "urn:limit:2", title: "Past the limit" }]);
    const body = sized(hub.document(), LIMIT + 1);
    const { callback } = [...hub.subscribers.values()][0]!;
    const response = await fetch(callback, { method: "POST", headers: { "content-type": "application/atom+xml" }, body });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: "request body is too large (at most 64 kB)" });
    // Signed by the hub too: still refused before it is read.
    expect(await hub.publish(body)).toEqual([413]);
    // A later push within the limit is taken: the refused one never was.
    hub.setEntries([{ id: "urn:limit:3", title: "Within the limit again" }]);
    expect(await hub.publish()).toEqual([202]);
    await eventually(async () => expect(await worldTitles()).toContain("Within the limit again"), 5000);
    expect(await worldTitles()).not.toContain("Past the limit");
  });
});
