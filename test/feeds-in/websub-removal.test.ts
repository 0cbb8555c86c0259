// A partner whose definition file is removed from PARTNERS_DIR: at the next start Dispatch disables it
// and unsubscribes from its hub (hub.mode=unsubscribe, verified by the real hub), as for a disabled one.
// A bad file in the folder holds removals back: it may be the very definition that seems gone.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, type TestDatabase } from "#test/support/backends.js";
import { startTestApp, type TestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";
import { startWebsubHub, type WebsubHub } from "#test/support/websub-hub.js";

/** A free port on 127.0.0.1: both runs of the app keep one BASE_URL, so the hub knows the callback. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(BACKENDS)("a removed partner definition on %s", (backend) => {
  let database: TestDatabase;
  let hub: WebsubHub;
  let app: TestApp | undefined;
  let env: Record<string, string>;
  let dir: string;

  const start = async () => {
    await app?.close();
    app = await startTestApp(database, env);
    return app;
  };
  const partner = async (slug: string) => (await (await app!.admin(`/api/partners/${slug}`)).json()) as { enabled: boolean; health: { push: unknown } };
  const writeDefinition = (slug: string) =>
    writeFileSync(
      path.join(dir, `${slug}.yaml`),
      `slug: ${slug}\nname: Partner ${slug}\nurl: ${hub.topic}\ncategory: world\nallowPrivateNetwork: true\nintervalMinutes: 60\n`,
    );

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    hub = await startWebsubHub();
    hub.setEntries([{ id: "urn:removed:1", title: "From a file partner" }]);
    dir = path.join(database.dataDir, "partners");
    mkdirSync(dir, { recursive: true });
    env = { PARTNERS_CRON: "off", PARTNERS_DIR: dir, PORT: String(await freePort()) };
    writeDefinition("filed");
    writeDefinition("kept");
    await start();
    for (const c of CATEGORIES) await app!.admin("/api/categories", { method: "POST", json: c });
    for (const slug of ["filed", "kept"]) expect((await app!.admin(`/api/partners/${slug}/pull`, { method: "POST" })).status).toBe(200);
    await eventually(() => expect(hub.subscribers.size).toBe(2));
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
    await database?.drop();
  });

  it("keeps every subscription while a bad file might hold the missing definition", async () => {
    rmSync(path.join(dir, "filed.yaml"));
    writeFileSync(path.join(dir, "broken.yaml"), "slug: [unclosed\n");
    await start();
    expect(await partner("filed")).toMatchObject({ enabled: true, health: { push: { state: "active" } } });
    expect(hub.subscribers.size).toBe(2);
    expect(hub.requests.filter((r) => r.mode === "unsubscribe")).toEqual([]);
  });

  it("disables the partner whose file is gone and leaves its hub, verified; the others keep theirs", async () => {
    rmSync(path.join(dir, "broken.yaml"));
    await start();
    await eventually(() => expect(hub.subscribers.size).toBe(1));
    const [left] = hub.requests.filter((r) => r.mode === "unsubscribe");
    expect(left).toMatchObject({ topic: hub.topic, verified: true, callback: expect.stringMatching(new RegExp(`^${app!.url}/websub/callback/`)) });
    expect(hub.requests.filter((r) => r.mode === "unsubscribe")).toHaveLength(1);
    expect(await partner("filed")).toMatchObject({ enabled: false, health: { push: null } });
    expect(await partner("kept")).toMatchObject({ enabled: true, health: { push: { state: "active" } } });
    // Nothing more is asked of the hub at the next start.
    const requests = hub.requests.length;
    await start();
    expect(hub.requests.length).toBe(requests);
  });
});
