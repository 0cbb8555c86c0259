// POST /webhooks/mailgun: Mailgun's JSON webhooks, signed with HMAC-SHA256 of timestamp + token.
import { createHmac, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { BACKENDS } from "#test/support/backends.js";
import { addSubscribers, expectRefused, postRaw, stateOf, unixNow } from "#test/support/webhooks.js";

const KEY = "key-test-mailgun-signing-0123456789";

function signature(key = KEY, timestamp = String(unixNow())) {
  const token = randomBytes(25).toString("hex");
  return {
    timestamp,
    token,
    signature: createHmac("sha256", key)
      .update(timestamp + token)
      .digest("hex"),
  };
}

/** A Mailgun webhook as its documentation shows it (trimmed to the fields Dispatch reads and a few more). */
function webhook(event: Record<string, unknown>, sig = signature()) {
  const eventData = {
    id: randomBytes(11).toString("base64url"),
    timestamp: unixNow(),
    "log-level": "error",
    message: { headers: { to: event.recipient, "message-id": "edition-7.subscriber-1@news.example.com", from: "digest@news.example.com", subject: "Today" } },
    flags: { "is-routed": false, "is-authenticated": true, "is-system-test": false, "is-test-mode": false },
    "delivery-status": { "attempt-no": 1, message: "", code: 550, description: "No such mailbox" },
    ...event,
  };
  return { signature: sig, "event-data": eventData };
}

describe.each(BACKENDS)("Mailgun webhooks (%s)", (backend) => {
  const app = useTestApp(backend, { MAILGUN_WEBHOOK_SIGNING_KEY: KEY, BOUNCE_LIMIT: "2" });
  const post = (body: unknown) => postRaw(app, "/webhooks/mailgun", JSON.stringify(body));

  beforeAll(async () => {
    await addSubscribers(app, ["hard@example.com", "soft@example.com", "angry@example.com", "leaving@example.com", "twice@example.com"]);
  });

  it("counts a permanent failure towards the bounce limit and notes a temporary one only", async () => {
    const hard = await post(webhook({ event: "failed", severity: "permanent", recipient: "hard@example.com" }));
    expect(hard.status).toBe(200);
    expect(await hard.json()).toEqual({ received: 1 });
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "active", bounceCount: 1 });
    await post(webhook({ event: "failed", severity: "permanent", recipient: "hard@example.com" }));
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "suppressed", bounceCount: 2 });
    await post(webhook({ event: "failed", severity: "temporary", recipient: "soft@example.com" }));
    expect(await stateOf(app, "soft@example.com")).toEqual({ status: "active", bounceCount: 0 });
  });

  it("suppresses at a complaint and unsubscribes at an unsubscribe", async () => {
    expect((await post(webhook({ event: "complained", recipient: "angry@example.com" }))).status).toBe(200);
    expect((await stateOf(app, "angry@example.com")).status).toBe("suppressed");
    expect((await post(webhook({ event: "unsubscribed", recipient: "leaving@example.com" }))).status).toBe(200);
    expect((await stateOf(app, "leaving@example.com")).status).toBe("unsubscribed");
  });

  it("applies an event delivered twice once, and records the edition its Message-ID names", async () => {
    const body = webhook({ event: "failed", severity: "permanent", recipient: "twice@example.com" });
    const id = await app.store.db.kysely.selectFrom("subscribers").select("id").where("email", "=", "twice@example.com").executeTakeFirstOrThrow();
    body["event-data"].message.headers["message-id"] = `edition-7.subscriber-${id.id}@news.example.com`;
    expect((await post(body)).status).toBe(200);
    expect((await post({ ...body, signature: signature() })).status).toBe(200);
    expect(await stateOf(app, "twice@example.com")).toEqual({ status: "active", bounceCount: 1 });
    const row = await app.store.db.kysely.selectFrom("webhook_events").selectAll().where("event_id", "=", body["event-data"].id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider: "mailgun", kind: "bounce", edition_id: 7, message_id: `<edition-7.subscriber-${id.id}@news.example.com>` });
  });

  it("refuses a signature's token used again, even for another event (the signature does not cover the event)", async () => {
    const sig = signature();
    expect((await post(webhook({ event: "failed", severity: "temporary", recipient: "soft@example.com" }, sig))).status).toBe(200);
    await expectRefused(await post(webhook({ event: "complained", recipient: "soft@example.com" }, sig)), /token was used already/);
    expect((await stateOf(app, "soft@example.com")).status).toBe("active");
  });

  it("answers an unknown address as any other, and ignores events it does not act on", async () => {
    const unknown = await post(webhook({ event: "complained", recipient: "stranger@example.com" }));
    expect([unknown.status, await unknown.json()]).toEqual([200, { received: 1 }]);
    const delivered = await post(webhook({ event: "delivered", recipient: "soft@example.com" }));
    expect([delivered.status, await delivered.json()]).toEqual([200, { received: 0 }]);
  });

  it("refuses an unsigned, mis-signed, tampered or stale webhook, and applies none of them", async () => {
    const event = { event: "complained", recipient: "soft@example.com" };
    const { signature: _omitted, ...unsigned } = webhook(event);
    await expectRefused(await post(unsigned), /signature .* is missing/);
    await expectRefused(await post(webhook(event, signature("key-of-somebody-else"))), /does not match/);
    const tampered = webhook(event);
    tampered.signature.timestamp = String(Number(tampered.signature.timestamp) + 1);
    await expectRefused(await post(tampered), /does not match/);
    await expectRefused(await post(webhook(event, signature(KEY, String(unixNow(-3600))))), /stale or replayed/);
    await expectRefused(await postRaw(app, "/webhooks/mailgun", "not json"), /not JSON/);
    expect((await stateOf(app, "soft@example.com")).status).toBe("active");
  });
});

describe("Mailgun webhooks, without a signing key", () => {
  const app = useTestApp("sqlite");

  it("answers 404 at the path", async () => {
    const response = await postRaw(app, "/webhooks/mailgun", JSON.stringify(webhook({ event: "complained", recipient: "a@example.com" })));
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatch(/not configured/);
  });
});
