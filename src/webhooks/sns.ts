// SNS HTTP(S) messages: signature versions 1 (SHA1withRSA) and 2 (SHA256withRSA) over the canonical
// string AWS documents, with the certificate at SigningCertURL; only topics the operator accepts.
import { createVerify } from "node:crypto";
import { UnauthorizedError, ValidationError } from "#src/errors.js";
import type { CertificateSource } from "#src/webhooks/sns-fetch.js";
import { snsUrl } from "#src/webhooks/sns-hosts.js";
import { asRecord, assertFresh } from "#src/webhooks/verify.js";

export type SnsMessage = Record<string, string | undefined>;

/** The fields each type signs, in the order AWS signs them (Subject only when present). */
const SIGNED_FIELDS: Record<string, string[]> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

const ALGORITHMS: Record<string, string> = { "1": "RSA-SHA1", "2": "RSA-SHA256" };

/** "Key\nvalue\n" for each signed field, in order. */
function canonicalString(message: SnsMessage): string {
  const fields = SIGNED_FIELDS[message.Type ?? ""];
  if (!fields) throw new UnauthorizedError("ses: not an SNS message type that is signed");
  return fields
    .filter((field) => field !== "Subject" || message.Subject !== undefined)
    .map((field) => `${field}\n${message[field] ?? ""}\n`)
    .join("");
}

export function parseSnsMessage(raw: Buffer): SnsMessage {
  let body: Record<string, unknown>;
  try {
    body = asRecord(JSON.parse(raw.toString("utf8")));
  } catch {
    throw new UnauthorizedError("ses: not a signed SNS message (the body is not JSON)");
  }
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : undefined]));
}

export interface SnsCheck {
  topics: string[];
  certHosts: string[] | undefined;
  certificates: CertificateSource;
  now: Date;
  toleranceSeconds: number;
}

/** Throws UnauthorizedError unless the message is from an accepted topic, fresh, and signed by SNS. */
export async function verifySns(message: SnsMessage, check: SnsCheck): Promise<void> {
  const algorithm = ALGORITHMS[message.SignatureVersion ?? ""];
  if (!algorithm || !message.Signature || !message.SigningCertURL) throw new UnauthorizedError("ses: the SNS signature is missing");
  if (!message.TopicArn || !check.topics.includes(message.TopicArn)) throw new UnauthorizedError("ses: the SNS topic is not one of SNS_TOPIC_ARNS");
  const canonical = canonicalString(message);
  // The host is checked before anything is fetched.
  const certificate = await check.certificates(snsUrl("signing certificate URL", message.SigningCertURL, check.certHosts));
  const at = check.now.getTime();
  if (at < Date.parse(certificate.validFrom) || at > Date.parse(certificate.validTo))
    throw new UnauthorizedError("ses: the signing certificate is not valid now");
  if (!createVerify(algorithm).update(canonical, "utf8").verify(certificate.publicKey, message.Signature, "base64"))
    throw new UnauthorizedError("ses: the SNS signature does not match");
  assertFresh("ses", Date.parse(message.Timestamp ?? "") / 1000, check.now, check.toleranceSeconds);
}

/** The SES notification a Notification carries (its Message is JSON text). */
export function notificationOf(message: SnsMessage): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(message.Message ?? ""));
  } catch {
    throw new ValidationError("ses: the notification's Message is not JSON");
  }
}
