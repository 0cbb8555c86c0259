// Postmark's webhooks carry no signature: they are sent with HTTP basic auth credentials set in the
// webhook's URL or settings, compared here in constant time.
import type { BounceEvent } from "#src/digest/bounces.js";
import { UnauthorizedError } from "#src/errors.js";
import { asRecord, asString, jsonOf, sameSecret } from "#src/webhooks/verify.js";

export function verifyPostmark(authorization: string | undefined, expected: { user: string; password: string }): void {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (!match) throw new UnauthorizedError("postmark: HTTP basic auth credentials are required");
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const [user, password] = colon < 0 ? [decoded, ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  // Both compared, always, so the time taken tells nothing about which one is wrong.
  const userOk = sameSecret(user, expected.user);
  const passwordOk = sameSecret(password, expected.password);
  if (!userOk || !passwordOk) throw new UnauthorizedError("postmark: the basic auth credentials do not match");
}

/**
 * IDs are 64-bit numbers (4323372036854775807 in Postmark's samples), beyond what a JavaScript number
 * holds exactly: they are read as the digits sent, or two reports could share an id.
 *
 * Bounce (HardBounce → hard; every other type is soft, only noted), SpamComplaint, SubscriptionChange
 * (SuppressSending true → unsubscribe). Postmark replaces the Message-ID, so reports name no digest.
 */
export function postmarkEvents(raw: Buffer): BounceEvent[] {
  const record = asRecord(jsonOf("postmark", raw, (text) => text.replace(/"ID"\s*:\s*(-?\d+)/g, '"ID":"$1"')));
  const id = record.ID === undefined ? undefined : String(record.ID);
  switch (record.RecordType) {
    case "Bounce": {
      const email = asString(record.Email);
      return email && id ? [{ email, id, type: "bounce", permanent: record.Type === "HardBounce" }] : [];
    }
    case "SpamComplaint": {
      const email = asString(record.Email);
      return email && id ? [{ email, id, type: "complaint", permanent: true }] : [];
    }
    case "SubscriptionChange": {
      // No ID of its own: the change is named by its recipient and time.
      const email = asString(record.Recipient);
      const changedAt = asString(record.ChangedAt);
      if (!email || !changedAt || record.SuppressSending !== true) return [];
      return [{ email, id: `subscription-change:${email}:${changedAt}`, type: "unsubscribe", permanent: true }];
    }
    default:
      return [];
  }
}
