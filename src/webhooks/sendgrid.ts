// SendGrid's signed Event Webhook: ECDSA P-256 over (timestamp header + raw body), the signature in
// base64 DER; the public key as SendGrid shows it (base64 DER SubjectPublicKeyInfo).
import { createPublicKey, verify } from "node:crypto";
import type { BounceEvent } from "#src/digest/bounces.js";
import { UnauthorizedError } from "#src/errors.js";
import { asRecord, asString, assertFresh } from "#src/webhooks/verify.js";

export const SENDGRID_SIGNATURE = "x-twilio-email-event-webhook-signature";
export const SENDGRID_TIMESTAMP = "x-twilio-email-event-webhook-timestamp";

export interface SendgridRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  raw: Buffer;
}

export function verifySendgrid(request: SendgridRequest, publicKey: string, now: Date, toleranceSeconds: number): void {
  const { signature, timestamp, raw } = request;
  if (!signature || !timestamp) throw new UnauthorizedError("sendgrid: the signature and timestamp headers are required");
  const key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), raw]);
  let valid = false;
  try {
    valid = verify("sha256", signed, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) throw new UnauthorizedError("sendgrid: the signature does not match");
  assertFresh("sendgrid", Number(timestamp), now, toleranceSeconds);
}

/** What SendGrid's drop reasons mean for the address ("Bounced Address", "Spam Reporting Address"…). */
function dropped(reason: string): Pick<BounceEvent, "type" | "permanent"> {
  if (/spam/i.test(reason)) return { type: "complaint", permanent: true };
  if (/unsubscribe/i.test(reason)) return { type: "unsubscribe", permanent: true };
  if (/bounce|invalid/i.test(reason)) return { type: "bounce", permanent: true };
  return { type: "bounce", permanent: false };
}

function sendgridEvent(value: unknown): BounceEvent[] {
  const event = asRecord(value);
  const email = asString(event.email);
  const id = asString(event.sg_event_id);
  if (!email || !id) return [];
  // "smtp-id" is the Message-ID of a message sent through SendGrid's SMTP relay.
  const base = { email, id, messageId: asString(event["smtp-id"]) };
  switch (event.event) {
    case "bounce":
      // type "blocked" is a refusal that may pass later (a soft bounce); "bounce" is permanent.
      return [{ ...base, type: "bounce", permanent: event.type !== "blocked" }];
    case "dropped":
      return [{ ...base, ...dropped(asString(event.reason) ?? "") }];
    case "spamreport":
      return [{ ...base, type: "complaint", permanent: true }];
    case "unsubscribe":
    case "group_unsubscribe":
      return [{ ...base, type: "unsubscribe", permanent: true }];
    default:
      return [];
  }
}

/** A batch of events (a JSON array); delivered, opened and the like are ignored. */
export function sendgridEvents(body: unknown): BounceEvent[] {
  return Array.isArray(body) ? body.flatMap(sendgridEvent) : [];
}
