// Amazon SES notifications (through SNS): Bounce (Permanent → hard; Transient, Undetermined → soft),
// Complaint; Delivery and the rest are ignored. One report per recipient, named by the SNS MessageId.
import type { BounceEvent } from "#src/digest/bounces.js";
import { asRecord, asString } from "#src/webhooks/verify.js";

/** Our Message-ID: SES echoes the headers of the message (commonHeaders, or the header list). */
function messageIdOf(mail: Record<string, unknown>): string | undefined {
  const common = asString(asRecord(mail.commonHeaders).messageId);
  if (common) return common;
  const headers = Array.isArray(mail.headers) ? mail.headers.map(asRecord) : [];
  return asString(headers.find((h) => typeof h.name === "string" && h.name.toLowerCase() === "message-id")?.value);
}

const recipients = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).flatMap((r) => {
    const email = asString(asRecord(r).emailAddress);
    return email ? [email] : [];
  });

export function sesEvents(notification: Record<string, unknown>, snsMessageId: string): BounceEvent[] {
  // Notifications name it notificationType; event publishing names it eventType.
  const type = notification.notificationType ?? notification.eventType;
  const messageId = messageIdOf(asRecord(notification.mail));
  const each = (emails: string[], event: Pick<BounceEvent, "type" | "permanent">): BounceEvent[] =>
    emails.map((email) => ({ email, id: `${snsMessageId}:${email.toLowerCase()}`, messageId, ...event }));
  if (type === "Bounce") {
    const bounce = asRecord(notification.bounce);
    return each(recipients(bounce.bouncedRecipients), { type: "bounce", permanent: bounce.bounceType === "Permanent" });
  }
  if (type === "Complaint") return each(recipients(asRecord(notification.complaint).complainedRecipients), { type: "complaint", permanent: true });
  return [];
}
