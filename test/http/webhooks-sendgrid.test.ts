// POST /webhooks/sendgrid: SendGrid's signed Event Webhook, ECDSA P-256 over timestamp + raw body.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { addSubscribers, expectRefused, postRaw, stateOf, unixNow } from "#test/support/webhooks.js";

const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
const PUBLIC_KEY = keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");

/** One event as SendGrid's documentation shows it. */
function event(email: string, fields: Record<string, unknown>) {
  return {
    email,
    timestamp: unixNow(),
    "smtp-id": "<edition-3.subscriber-9@news.example.com>",
    sg_event_id: randomUUID(),
    sg_message_id: "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    category: ["digest"],
    ...fields,
  };
}

function signed(body: string, key: KeyObject = keys.privateKey, timestamp = String(unixNow())) {
  const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key).toString("base64");
  return { "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": timestamp };
}

describe("SendGrid webhooks", () => {
  const app = useTestApp("sqlite", { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY, BOUNCE_LIMIT: "2" });
  const post = (events: unknown[]) => {
    const body = JSON.stringify(events);
    return postRaw(app, "/webhooks/sendgrid", body, signed(body));
  };

  beforeAll(async () => {
    await addSubscribers(app, [
      "hard@example.com",
      "blocked@example.com",
      "angry@example.com",
      "leaving@example.com",
      "group@example.com",
      "dropped@example.com",
    ]);
  });

  it("applies a batch: bounce counts, blocked is noted, spam report suppresses, unsubscribes unsubscribe", async () => {
    const response = await post([
      event("hard@example.com", { event: "bounce", type: "bounce", status: "5.1.1", reason: "550 5.1.1 unknown user" }),
      event("blocked@example.com", { event: "bounce", type: "blocked", status: "4.0.0", reason: "421 try later" }),
      event("angry@example.com", { event: "spamreport" }),
      event("leaving@example.com", { event: "unsubscribe" }),
      event("group@example.com", { event: "group_unsubscribe", asm_group_id: 1 }),
      event("dropped@example.com", { event: "dropped", reason: "Bounced Address", status: "5.0.0" }),
      event("hard@example.com", { event: "delivered", response: "250 OK" }),
    ]);
    expect([response.status, await response.json()]).toEqual([200, { received: 6 }]);
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "active", bounceCount: 1 });
    expect(await stateOf(app, "blocked@example.com")).toEqual({ status: "active", bounceCount: 0 });
    expect((await stateOf(app, "angry@example.com")).status).toBe("suppressed");
    expect((await stateOf(app, "leaving@example.com")).status).toBe("unsubscribed");
    expect((await stateOf(app, "group@example.com")).status).toBe("unsubscribed");
    expect(await stateOf(app, "dropped@example.com")).toEqual({ status: "active", bounceCount: 1 });
  });

  it("counts an event delivered again (same sg_event_id) once", async () => {
    const bounce = event("hard@example.com", { event: "bounce", type: "bounce" });
    expect((await post([bounce])).status).toBe(200);
    expect((await post([bounce])).status).toBe(200);
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "suppressed", bounceCount: 2 });
  });

  it("answers an unknown address as any other", async () => {
    const response = await post([event("stranger@example.com", { event: "spamreport" })]);
    expect([response.status, await response.json()]).toEqual([200, { received: 1 }]);
  });

  it("refuses an unsigned, mis-signed, tampered or stale batch, and applies none of it", async () => {
    const body = JSON.stringify([event("blocked@example.com", { event: "spamreport" })]);
    await expectRefused(await postRaw(app, "/webhooks/sendgrid", body), /headers are required/);
    await expectRefused(await postRaw(app, "/webhooks/sendgrid", body, signed(body, other.privateKey)), /does not match/);
    await expectRefused(await postRaw(app, "/webhooks/sendgrid", body.replace("blocked@", "hard@"), signed(body)), /does not match/);
    await expectRefused(await postRaw(app, "/webhooks/sendgrid", body, signed(body, keys.privateKey, String(unixNow(-3600)))), /stale or replayed/);
    await expectRefused(
      await postRaw(app, "/webhooks/sendgrid", body, { ...signed(body), "x-twilio-email-event-webhook-signature": "bm90IGEgc2lnbmF0dXJl" }),
      /does not match/,
    );
    expect((await stateOf(app, "blocked@example.com")).status).toBe("active");
  });
});

describe("SendGrid webhooks, without a public key", () => {
  const app = useTestApp("sqlite");

  it("answers 404 at the path", async () => {
    expect((await postRaw(app, "/webhooks/sendgrid", "[]", signed("[]"))).status).toBe(404);
  });
});
