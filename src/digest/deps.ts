// What the delivery side of the digest engine is given: its ports, mailer, links and settings.
// A leaf of digest/: the modules that build, send and record digests all read these types.
import type { Logger } from "pino";
import type { CompiledEmail } from "#src/mail/render.js";
import type { MailIdentity, PreparedMail, SendResult } from "#src/mail/transport.js";
import type { DigestPorts } from "#src/digest/ports.js";
import type { PrepareRequest } from "#src/digest/render-batch.js";

/** The links a digest carries; built from signed subscriber tokens (and, for stories, click tokens). */
export interface DigestLinks {
  /** A story's link: /r/{token} when clicks are counted, else the story's own URL. */
  story(articleId: number, target: string): string;
  preferences(subscriberId: number, tokenVersion: number): string;
  unsubscribe(subscriberId: number, tokenVersion: number): string;
  view(editionId: number, subscriberId: number, tokenVersion: number): string;
}

export interface DigestSettings {
  baseUrl: string;
  /** Host part of Message-IDs and List-Id. */
  mailHost: string;
  publisherName: string;
  publisherAddress: string;
  topStories: number;
  relatedStories: number;
  /** Weight of a digest click in the ranking (RANK_CLICK_WEIGHT). */
  clickWeight: number;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  bounceLimit: number;
  /** Messages handed to the mailer at once: the pool's size, so nothing piles up in memory. */
  concurrency: number;
  batchSize: number;
  /**
   * Sent messages marked sent by one statement, at most (default: see record.ts). A crash can send
   * again, with the same Message-ID, up to recordGroup + concurrency − 1 messages that went out unrecorded.
   */
  recordGroup?: number;
}

/** Renders and composes digests off the main thread (render-pool.ts); absent, on the main thread. */
export interface DigestRenderer {
  /** The jobs' messages in order; a job that could not be composed is an Error in its place. */
  prepare(request: PrepareRequest): Promise<Array<PreparedMail | Error>>;
}

export interface DeliveryDeps {
  store: DigestPorts;
  categoryNames(): Promise<Map<string, string>>;
  /**
   * Digests are composed for the mailer's identity (in a render thread when there is one), then sent as
   * bytes. Once `sendPrepared` settles, the mailer no longer reads the message's bytes (a render thread
   * writes them again: slabs.ts).
   */
  mailer: { identity: MailIdentity; sendPrepared(mail: PreparedMail): Promise<SendResult> };
  template(): Promise<CompiledEmail>;
  links: DigestLinks;
  settings: DigestSettings;
  logger: Logger;
  now?: () => Date;
  renderer?: DigestRenderer;
}

export interface DrainResult {
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
}

/** How far back a subscriber's sent stories count as already had (the digest window). */
const HISTORY_DAYS = 8;
const DAY_MS = 86_400_000;

/** The start of the digest window for a digest built at `at`. */
export function historySince(at: Date): string {
  return new Date(at.getTime() - HISTORY_DAYS * DAY_MS).toISOString();
}

const MIN_BATCH = 50;
const BATCH_PER_CONNECTION = 20;

/** Deliveries claimed at once: enough to keep every pool connection busy between claims. */
export function deliveryBatchSize(poolSize: number): number {
  return Math.max(MIN_BATCH, poolSize * BATCH_PER_CONNECTION);
}
