// With several web processes sharing a Redis, the subscribe limits and the admin throttle count there.
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { redisLimitStores, type LimitStores } from "#src/http/ratelimit.js";

/** A rate-limit check waits for at most this many retries of a Redis that is down. */
const MAX_RETRIES_PER_REQUEST = 2;

export function connectLimitStores(redisUrl: string, prefix: string, logger: Logger): { stores: LimitStores; close(): Promise<void> } {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST });
  redis.on("error", (error: Error) => logger.warn({ err: error.message }, "rate limits: redis"));
  return {
    stores: redisLimitStores(redis, prefix),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
