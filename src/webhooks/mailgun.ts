// Mailgun's webhooks (JSON): {signature: {timestamp, token, signature}, "event-data": {...}}, signed
// with HMAC-SHA256 of timestamp + token under the webhook signing key.
import { createHmac } from "node:crypto";
import type { BounceEvent } from "#src/digest/bounces.js";
import { UnauthorizedError } from "#src/errors.js";
import { asRecord, asString, assertFresh, sameSecret } from "#src/webhooks/verify.js";

/** The event data of a correctly signed, fresh Mailgun webhook, and its one-time token. */
export function verifyMailgun(raw: Buffer, signingKey: string, now: Date, toleranceSeconds: number): { token: string; data: Record<string, unknown> } {
  let body: Record<string, unknown>;
  try {
    body = asRecord(JSON.parse(raw.toString("utf8")));
  } catch {
    throw new UnauthorizedError("mailgun: not a signed Mailgun webhook (the body is not JSON)");
  }
  const { timestamp, token, signature } = asRecord(body.signature);
  if (typeof timestamp !== "string" || typeof token !== "string" || typeof signature !== "string")
    throw new UnauthorizedError("mailgun: the signature (timestamp, token, signature) is missing");
  const expected = createHmac("sha256", signingKey)
    .update(timestamp + token)
    .digest("hex");
  if (!sameSecret(signature.toLowerCase(), expected)) throw new UnauthorizedError("mailgun: the signature does not match");
  assertFresh("mailgun", Number(timestamp), now, toleranceSeconds);
  return { token, data: asRecord(body["event-data"]) };
}

/** failed (permanent → hard bounce, temporary → soft), complained, unsubscribed; other events are ignored. */
export function mailgunEvents(data: Record<string, unknown>): BounceEvent[] {
  const email = asString(data.recipient);
  const id = asString(data.id);
  if (!email || !id) return [];
  const messageId = asString(asRecord(asRecord(data.message).headers)["message-id"]);
  const base = { email, id, messageId: messageId && `<${messageId.replace(/^<|>$/g, "")}>` };
  switch (data.event) {
    case "failed":
      return [{ ...base, type: "bounce", permanent: data.severity === "permanent" }];
    case "complained":
      return [{ ...base, type: "complaint", permanent: true }];
    case "unsubscribed":
      return [{ ...base, type: "unsubscribe", permanent: true }];
    default:
      return [];
  }
}
