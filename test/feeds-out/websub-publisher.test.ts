import pino from "pino";
import { describe, expect, it } from "vitest";
import type { JobQueue } from "#src/jobs/queue.js";
import { createFeedPublisher } from "#src/feeds-out/websub-publisher.js";

const logger = pino({ level: "silent" });

describe("WebSub publisher", () => {
  it("queues one retried websub-ping job per URL when jobs run on BullMQ", async () => {
    const added: unknown[] = [];
    const queue = { kind: "bullmq", add: async (...args: unknown[]) => void added.push(args) } as unknown as JobQueue;
    const publisher = createFeedPublisher({ hubUrl: "http://127.0.0.1:9/hub", retries: 2, retryBaseMs: 50, queue, logger });
    publisher.publish(["http://x.test/feeds/all.rss", "http://x.test/feeds/all.atom"]);
    await publisher.settle(0);
    expect(added).toEqual([
      ["websub-ping", { url: "http://x.test/feeds/all.rss" }, { attempts: 3, backoffMs: 50 }],
      ["websub-ping", { url: "http://x.test/feeds/all.atom" }, { attempts: 3, backoffMs: 50 }],
    ]);
  });

  it("pings from this process when jobs run in it, queueing nothing", async () => {
    const added: unknown[] = [];
    const queue = { kind: "in-process", add: async (...args: unknown[]) => void added.push(args) } as unknown as JobQueue;
    const publisher = createFeedPublisher({ hubUrl: "http://127.0.0.1:9/hub", retries: 0, retryBaseMs: 1, queue, logger });
    publisher.publish(["http://x.test/feeds/all.rss"]);
    await publisher.settle(5000);
    publisher.close();
    expect(added).toEqual([]);
  });
});
