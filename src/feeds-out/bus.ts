// The invalidation bus, connected before the caches and sessions that publish on it; they start
// listening once they exist (so nothing refers to a bus built after it).
import type { Logger } from "pino";
import { connectInvalidationBus, type Invalidation, type InvalidationBus } from "#src/feeds-out/broadcast.js";

export interface ListeningBus extends InvalidationBus {
  /** Hears what the other processes publish. */
  onMessage(listener: (message: Invalidation) => void): void;
}

export function connectBus(redisUrl: string, logger: Logger): ListeningBus {
  const listeners = new Set<(message: Invalidation) => void>();
  const bus = connectInvalidationBus(redisUrl, (message) => listeners.forEach((listener) => listener(message)), logger);
  return { ...bus, onMessage: (listener) => void listeners.add(listener) };
}
