// POST /webhooks/postmark: Postmark's bounce, spam complaint and subscription change webhooks, sent
// with HTTP basic auth credentials.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { addSubscribers, expectRefused, postRaw, stateOf } from "#test/support/webhooks.js";

const USER = "postmark";
const PASSWORD = "pm-webhook-secret-0123";
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
// IDs as large as Postmark's samples: beyond a JavaScript number's exact range, so kept as text here
// and sent as JSON numbers (see post()).
let nextId = 4323372036854775000n;
const newId = () => String(nextId++);

/** A Bounce webhook as Postmark's documentation shows it. */
function bounce(email: string, type: string, id = newId()) {
  return {
    RecordType: "Bounce",
    MessageStream: "outbound",
    ID: id,
    Type: type,
    TypeCode: type === "HardBounce" ? 1 : 4096,
    Name: type === "HardBounce" ? "Hard bounce" : "Soft bounce",
    Tag: "digest",
    MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
    Metadata: {},
    ServerID: 23,
    Description: "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    Details: "Test bounce details",
    Email: email,
    From: "digest@news.example.com",
    BouncedAt: new Date().toISOString(),
    DumpAvailable: true,
    Inactive: true,
    CanActivate: true,
    Subject: "Today",
    Content: "Return-Path:...",
  };
}

const complaint = (email: string) => ({ ...bounce(email, "SpamComplaint"), RecordType: "SpamComplaint", TypeCode: 512, Name: "Spam complaint" });
const subscriptionChange = (email: string, suppress: boolean) => ({
  RecordType: "SubscriptionChange",
  MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
  ServerID: 123456,
  MessageStream: "outbound",
  ChangedAt: new Date().toISOString(),
  Recipient: email,
  Origin: "Recipient",
  SuppressSending: suppress,
  SuppressionReason: suppress ? "ManualSuppression" : null,
  Tag: "digest",
  Metadata: {},
});

describe("Postmark webhooks", () => {
  const app = useTestApp("sqlite", { POSTMARK_WEBHOOK_USER: USER, POSTMARK_WEBHOOK_PASSWORD: PASSWORD, BOUNCE_LIMIT: "2" });
  const post = (body: unknown, headers = basic(USER, PASSWORD)) =>
    postRaw(app, "/webhooks/postmark", JSON.stringify(body).replace(/"ID":"(\d+)"/, '"ID":$1'), headers);

  beforeAll(async () => {
    await addSubscribers(app, ["hard@example.com", "soft@example.com", "angry@example.com", "leaving@example.com", "staying@example.com"]);
  });

  it("counts a HardBounce towards the limit, notes soft types only, and counts a repeated ID once", async () => {
    const first = bounce("hard@example.com", "HardBounce");
    expect([(await post(first)).status, (await post(first)).status]).toEqual([200, 200]);
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "active", bounceCount: 1 });
    await post(bounce("hard@example.com", "HardBounce"));
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "suppressed", bounceCount: 2 });
    for (const type of ["SoftBounce", "Transient", "DnsError"]) expect((await post(bounce("soft@example.com", type))).status).toBe(200);
    expect(await stateOf(app, "soft@example.com")).toEqual({ status: "active", bounceCount: 0 });
  });

  it("suppresses at a spam complaint; a subscription change that suppresses sending unsubscribes", async () => {
    expect(await (await post(complaint("angry@example.com"))).json()).toEqual({ received: 1 });
    expect((await stateOf(app, "angry@example.com")).status).toBe("suppressed");
    await post(subscriptionChange("leaving@example.com", true));
    expect((await stateOf(app, "leaving@example.com")).status).toBe("unsubscribed");
    expect(await (await post(subscriptionChange("staying@example.com", false))).json()).toEqual({ received: 0 });
    expect((await stateOf(app, "staying@example.com")).status).toBe("active");
  });

  it("answers an unknown address as any other", async () => {
    const response = await post(complaint("stranger@example.com"));
    expect([response.status, await response.json()]).toEqual([200, { received: 1 }]);
  });

  it("refuses a request without credentials or with wrong ones, and applies nothing", async () => {
    await expectRefused(await postRaw(app, "/webhooks/postmark", JSON.stringify(complaint("staying@example.com"))), /basic auth credentials are required/);
    await expectRefused(await post(complaint("staying@example.com"), basic(USER, "wrong-password-0123")), /do not match/);
    await expectRefused(await post(complaint("staying@example.com"), basic("someone", PASSWORD)), /do not match/);
    expect((await stateOf(app, "staying@example.com")).status).toBe("active");
  });

  it("answers a body that is not JSON with 400, once the credentials pass", async () => {
    const response = await postRaw(app, "/webhooks/postmark", "{not json", basic(USER, PASSWORD));
    expect([response.status, (await response.json()).error]).toEqual([400, "postmark: the body is not valid JSON"]);
  });
});
