// A stand-in for SNS on 127.0.0.1: it serves a signing certificate the test made and records every
// request (certificate fetches, subscription confirmations); and messages signed as SNS signs them.
import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { selfSignedCertificate } from "#test/support/x509.js";

export interface SnsStandIn {
  origin: string;
  /** Paths (with query) requested so far. */
  requests: string[];
  certUrl: string;
  sign(message: Record<string, string>, version?: "1" | "2"): Record<string, string>;
  close(): Promise<void>;
}

/** The fields SNS signs, in its documented order, per message type (Subject only when present). */
const SIGNED: Record<string, string[]> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

export async function startSnsStandIn(): Promise<SnsStandIn> {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const hour = 3600_000;
  const pem = selfSignedCertificate(keys, "sns.amazonaws.com", new Date(Date.now() - hour), new Date(Date.now() + 24 * hour));
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/SimpleNotificationService-test.pem") res.writeHead(200, { "content-type": "application/x-x509-ca-cert" }).end(pem);
    else res.writeHead(200, { "content-type": "text/xml" }).end("<ConfirmSubscriptionResponse/>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certUrl = `${origin}/SimpleNotificationService-test.pem`;
  return {
    origin,
    requests,
    certUrl,
    sign(message, version = "1") {
      const fields: Record<string, string> = { SignatureVersion: version, SigningCertURL: certUrl, ...message };
      const canonical = SIGNED[fields.Type!]!.filter((f) => f in fields)
        .map((f) => `${f}\n${fields[f]}\n`)
        .join("");
      const signature = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256")
        .update(canonical)
        .sign(keys.privateKey, "base64");
      return { ...fields, Signature: signature };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SNS Notification carrying an SES notification, as SES's documentation shows one (unsigned). */
export function sesNotification(topicArn: string, ses: Record<string, unknown>, timestamp = new Date()): Record<string, string> {
  return {
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: topicArn,
    Message: JSON.stringify(ses),
    Timestamp: timestamp.toISOString(),
    UnsubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
  };
}
