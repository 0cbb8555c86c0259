// POST /webhooks/ses: Amazon SES notifications through SNS, signed by SNS (versions 1 and 2) with a
// certificate fetched only from allowed hosts; subscriptions confirmed by fetching their SubscribeURL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { eventually } from "#test/support/eventually.js";
import { sesNotification, startSnsStandIn, type SnsStandIn } from "#test/support/sns.js";
import { addSubscribers, expectRefused, postRaw, stateOf } from "#test/support/webhooks.js";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";
const MESSAGE_ID = "<edition-5.subscriber-1@news.example.com>";

const mail = (to: string) => ({
  timestamp: new Date().toISOString(),
  source: "digest@news.example.com",
  messageId: "0000014a-f4d4-4f89-93c2-2f4a3b9c1a2e-000000",
  destination: [to],
  headersTruncated: false,
  headers: [{ name: "Message-ID", value: MESSAGE_ID }],
  commonHeaders: { from: ["digest@news.example.com"], to: [to], messageId: MESSAGE_ID, subject: "Today" },
});

const sesBounce = (to: string, bounceType: string) => ({
  notificationType: "Bounce",
  bounce: {
    bounceType,
    bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
    bouncedRecipients: [{ emailAddress: to, action: "failed", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" }],
    timestamp: new Date().toISOString(),
    feedbackId: "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000",
  },
  mail: mail(to),
});

const sesComplaint = (to: string) => ({
  notificationType: "Complaint",
  complaint: {
    complainedRecipients: [{ emailAddress: to }],
    timestamp: new Date().toISOString(),
    feedbackId: "0000013786031775-fea503bc",
    complaintFeedbackType: "abuse",
  },
  mail: mail(to),
});

describe("Amazon SES webhooks (through SNS)", () => {
  let sns: SnsStandIn;
  beforeAll(async () => {
    sns = await startSnsStandIn();
  });
  afterAll(async () => sns?.close());
  const app = useTestApp("sqlite", () => ({ SNS_TOPIC_ARNS: TOPIC, SNS_CERT_HOSTS: sns.origin, BOUNCE_LIMIT: "2" }));
  const post = (message: Record<string, string>) => postRaw(app, "/webhooks/ses", JSON.stringify(message), { "content-type": "text/plain; charset=UTF-8" });

  beforeAll(async () => {
    await addSubscribers(app, ["hard@example.com", "soft@example.com", "angry@example.com", "other@example.com"]);
  });

  it("counts a Permanent bounce (signature version 1) once, however often SNS delivers it", async () => {
    const message = sns.sign(sesNotification(TOPIC, sesBounce("hard@example.com", "Permanent")), "1");
    const first = await post(message);
    expect([first.status, await first.json()]).toEqual([200, { received: 1 }]);
    expect((await post(message)).status).toBe(200);
    expect(await stateOf(app, "hard@example.com")).toEqual({ status: "active", bounceCount: 1 });
  });

  it("suppresses at a Complaint (signature version 2), notes a Transient bounce, ignores a Delivery", async () => {
    const withSubject = { ...sesNotification(TOPIC, sesComplaint("angry@example.com")), Subject: "Amazon SES Email Event Notification" };
    expect((await post(sns.sign(withSubject, "2"))).status).toBe(200);
    expect((await stateOf(app, "angry@example.com")).status).toBe("suppressed");
    expect((await post(sns.sign(sesNotification(TOPIC, sesBounce("soft@example.com", "Transient")), "2"))).status).toBe(200);
    expect(await stateOf(app, "soft@example.com")).toEqual({ status: "active", bounceCount: 0 });
    const delivery = await post(sns.sign(sesNotification(TOPIC, { notificationType: "Delivery", mail: mail("soft@example.com") })));
    expect([delivery.status, await delivery.json()]).toEqual([200, { received: 0 }]);
  });

  it("fetches the signing certificate once and keeps it", () => {
    expect(sns.requests.filter((r) => r.endsWith(".pem"))).toEqual(["/SimpleNotificationService-test.pem"]);
  });

  it("answers an unknown address as any other", async () => {
    const response = await post(sns.sign(sesNotification(TOPIC, sesComplaint("stranger@example.com"))));
    expect([response.status, await response.json()]).toEqual([200, { received: 1 }]);
  });

  it("refuses an unsigned, tampered, stale or foreign-topic message, and applies none", async () => {
    const complaint = () => sesNotification(TOPIC, sesComplaint("other@example.com"));
    const { Signature: _s, ...unsigned } = sns.sign(complaint());
    await expectRefused(await post(unsigned), /signature is missing/);
    const tampered = sns.sign(sesNotification(TOPIC, sesComplaint("soft@example.com")));
    await expectRefused(await post({ ...tampered, Message: JSON.stringify(sesComplaint("other@example.com")) }), /does not match/);
    await expectRefused(await post(sns.sign(sesNotification(TOPIC, sesComplaint("other@example.com"), new Date(Date.now() - 3600_000)))), /stale/);
    const foreign = sns.sign({ ...complaint(), TopicArn: "arn:aws:sns:eu-west-1:999999999999:someone-else" });
    await expectRefused(await post(foreign), /not one of SNS_TOPIC_ARNS/);
    expect((await stateOf(app, "other@example.com")).status).toBe("active");
  });

  it("refuses a certificate URL on a host it does not allow, without fetching it", async () => {
    const before = sns.requests.length;
    for (const certUrl of [sns.certUrl.replace("127.0.0.1", "localhost"), "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem", "file:///etc/passwd"]) {
      const message = { ...sns.sign(sesNotification(TOPIC, sesComplaint("other@example.com"))), SigningCertURL: certUrl };
      await expectRefused(await post(message), /signing certificate URL/);
    }
    expect(sns.requests.length).toBe(before);
  });

  it("confirms a subscription by fetching its SubscribeURL, only on an allowed host", async () => {
    const confirmation = (subscribeUrl: string) =>
      sns.sign({
        Type: "SubscriptionConfirmation",
        MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        Token:
          "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
        TopicArn: TOPIC,
        Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
      });
    const elsewhere = await post(confirmation(`http://localhost:${new URL(sns.origin).port}/?Action=ConfirmSubscription&Token=nope`));
    await expectRefused(elsewhere, /SubscribeURL/);
    const response = await post(confirmation(`${sns.origin}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`));
    expect([response.status, await response.json()]).toEqual([200, { received: 0 }]);
    await eventually(() =>
      expect(sns.requests.filter((r) => r.includes("ConfirmSubscription"))).toEqual([`/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`]),
    );
  });
});

describe("Amazon SES webhooks, without SNS_TOPIC_ARNS", () => {
  const app = useTestApp("sqlite");

  it("answers 404 at the path", async () => {
    expect((await postRaw(app, "/webhooks/ses", "{}")).status).toBe(404);
  });
});
