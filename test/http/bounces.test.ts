// POST /api/bounces: reports that carry the provider's id are applied once.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { BACKENDS } from "#test/support/backends.js";
import { addSubscribers, stateOf } from "#test/support/webhooks.js";

describe.each(BACKENDS)("POST /api/bounces (%s)", (backend) => {
  const app = useTestApp(backend, { BOUNCE_LIMIT: "3" });
  const report = (events: unknown[]) => app.admin("/api/bounces", { method: "POST", json: { events } });

  beforeAll(async () => {
    await addSubscribers(app, ["reader@example.com", "leaving@example.com"]);
  });

  it("applies a report with an id once, and one without an id each time", async () => {
    const event = { email: "reader@example.com", type: "bounce", permanent: true, id: "provider-event-1" };
    expect(await (await report([event])).json()).toEqual({ results: [{ email: "reader@example.com", status: "active" }] });
    expect(await (await report([event])).json()).toEqual({ results: [{ email: "reader@example.com", status: "duplicate" }] });
    expect((await stateOf(app, "reader@example.com")).bounceCount).toBe(1);
    const { id: _id, ...anonymous } = event;
    await report([anonymous, anonymous]);
    expect(await stateOf(app, "reader@example.com")).toEqual({ status: "suppressed", bounceCount: 3 });
  });

  it("takes unsubscribe reports", async () => {
    expect(await (await report([{ email: "leaving@example.com", type: "unsubscribe", id: "u-1" }])).json()).toEqual({
      results: [{ email: "leaving@example.com", status: "unsubscribed" }],
    });
  });
});
