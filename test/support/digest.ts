// The digest engine's settings and a mailer that takes every message, for tests that build the engine by hand.
import type { DigestSettings } from "#src/digest/deps.js";
import type { PreparedMail, SendResult } from "#src/mail/transport.js";

/** Small numbers so retries and leases pass quickly; `over` sets what a test is about. */
export function digestSettings(over: Partial<DigestSettings> = {}): DigestSettings {
  return {
    baseUrl: "http://localhost",
    mailHost: "localhost",
    publisherName: "P",
    publisherAddress: "A",
    topStories: 5,
    relatedStories: 3,
    clickWeight: 3,
    maxAttempts: 3,
    retryBaseMs: 10,
    leaseSeconds: 60,
    bounceLimit: 3,
    concurrency: 2,
    batchSize: 10,
    ...over,
  };
}

/** Accepts every message, answering with its own Message-ID. */
export const acceptingMailer = {
  identity: { from: "d@localhost" },
  sendPrepared: async (mail: PreparedMail): Promise<SendResult> => ({ messageId: mail.messageId, response: "" }),
};
