// Where WebSub publish pings go: sent from this process (retried here), or, with several processes
// (BullMQ), queued as jobs that whichever worker takes them sends, retried with the queue's backoff.
import type { Logger } from "pino";
import type { JobQueue } from "#src/jobs/queue.js";
import { createWebSubPublisher, pingHub } from "#src/feeds-out/websub.js";

/** How long a hub has to answer one publish ping. */
const PING_TIMEOUT_MS = 10_000;
/** How long closing waits for WebSub pings still on their way (a hub that is down gives up sooner or later). */
export const WEBSUB_SETTLE_MS = 5000;

export interface FeedPublisher {
  publish(urls: string[]): void;
  settle(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface FeedPublisherOptions {
  hubUrl: string;
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubled for each next one. */
  retryBaseMs: number;
  queue: Pick<JobQueue, "kind" | "add">;
  logger: Logger;
}

export function createFeedPublisher(options: FeedPublisherOptions): FeedPublisher {
  const { hubUrl, retries, retryBaseMs, queue, logger } = options;
  if (queue.kind === "in-process") return createWebSubPublisher({ hubUrl, retries, retryBaseMs, timeoutMs: PING_TIMEOUT_MS, logger });
  return {
    publish: (urls) => {
      for (const url of urls) {
        queue.add("websub-ping", { url }, { attempts: retries + 1, backoffMs: retryBaseMs }).catch((error: Error) => {
          logger.warn({ url, err: error.message }, "websub: could not queue a publish ping");
        });
      }
    },
    settle: async () => {},
    close: () => {},
  };
}

/** The websub-ping job: one ping to the hub (the queue retries a failure). */
export function hubPinger(hubUrl: string | undefined): (url: string) => Promise<void> {
  return (url) => pingHub(hubUrl!, url, PING_TIMEOUT_MS);
}
