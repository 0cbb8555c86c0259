// With several processes (REDIS_URL), a change saved in one (an admin write, a partner pull in a
// worker) must reach every web process's feed cache: changed feed keys go out over Redis pub/sub
// and each process invalidates its own copy within moments. A revoked partner key goes the same way,
// so no process keeps accepting it from its few seconds of cached key checks, and so does an admin
// session ended by a sign-out.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";

export type Invalidation = { keys: string[] } | { all: true } | { partnerKeys: true } | { adminSessionEnded: { id: string; expires: number } };

export interface InvalidationBus {
  publish(message: Invalidation): void;
  close(): Promise<void>;
}

/** Connects in the background: a Redis that is down delays invalidations, it does not stop the start. */
export function connectInvalidationBus(redisUrl: string, onMessage: (message: Invalidation) => void, logger: Logger): InvalidationBus {
  const origin = randomUUID();
  // Pub/sub ignores the database number; keep it in the channel so separate databases stay apart.
  const channel = `dispatch:${new URL(redisUrl).pathname.replace(/^\//, "") || "0"}:feeds:invalidate`;
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber]) client.on("error", (error: Error) => logger.warn({ err: error.message }, "feeds-out: redis"));
  subscriber.subscribe(channel).catch((error: Error) => logger.warn({ err: error.message }, "feeds-out: could not subscribe to feed invalidations"));
  subscriber.on("message", (_channel: string, text: string) => {
    try {
      const message = JSON.parse(text) as Invalidation & { origin: string };
      if (message.origin !== origin) onMessage(message);
    } catch (error) {
      logger.warn({ err: error }, "feeds-out: ignored a malformed invalidation message");
    }
  });
  return {
    publish(message) {
      publisher.publish(channel, JSON.stringify({ ...message, origin })).catch((error: Error) => {
        logger.warn({ err: error.message }, "feeds-out: could not broadcast a feed invalidation");
      });
    },
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}

interface LocalFeeds {
  invalidate(keys: Iterable<string>): void;
  invalidateAll(): void;
}

/** Applies an invalidation received from another process. */
export function applyInvalidation(
  local: { feeds: LocalFeeds; partnerKeys: { forgetChecks(): void }; adminSessions: { ended(session: { id: string; expires: number }): void } },
  message: Invalidation,
): void {
  if ("adminSessionEnded" in message) local.adminSessions.ended(message.adminSessionEnded);
  else if ("partnerKeys" in message) local.partnerKeys.forgetChecks();
  else if ("all" in message) local.feeds.invalidateAll();
  else local.feeds.invalidate(message.keys);
}

/** Invalidates here, then tells the other processes (when there is a bus). */
export function invalidateEverywhere(feeds: LocalFeeds, bus: InvalidationBus | undefined): LocalFeeds {
  return {
    invalidate(keys) {
      const list = [...keys];
      feeds.invalidate(list);
      bus?.publish({ keys: list });
    },
    invalidateAll() {
      feeds.invalidateAll();
      bus?.publish({ all: true });
    },
  };
}
