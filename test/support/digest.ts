// The digest engine's settings and a mailer that takes every message, for tests that build the engine by hand.
import type { DigestSettings } from "#src/digest/deps.js";
import type { CandidateRow } from "#src/model.js";
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

/** A candidate story for the render tests: published `id` hours before `now`, with a summary that needs escaping. */
export function candidateRow(id: number, now: Date, overrides: Partial<CandidateRow> = {}): CandidateRow {
  return {
    articleId: id,
    slug: `story-${id}`,
    title: `Story ${id} about the budget`,
    summary: `What happened in story ${id} — “quoted” & <b>escaped</b>.`,
    category: id % 2 ? "world" : "us-news",
    author: id % 3 ? "Jane Doe" : null,
    canonicalUrl: null,
    imageUrl: id % 2 ? `https://img.example.com/${id}.jpg` : null,
    imageAlt: "A picture",
    imageCredit: "Reuters",
    publishedAt: new Date(now.getTime() - id * 3_600_000).toISOString(),
    views: 100 * id,
    shares: id,
    comments: 2,
    clicks: 0,
    tags: [id % 4 ? "budget" : "space", "news"],
    ...overrides,
  };
}
