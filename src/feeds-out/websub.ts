// WebSub publish pings (hub.mode=publish) for changed feeds. Fire and forget: a ping never blocks
// or fails the article write that caused it; a failing hub is retried with exponential backoff,
// then given up on and logged.
import type { Logger } from "pino";

export interface WebSubOptions {
  hubUrl: string;
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubled for each next one. */
  retryBaseMs: number;
  timeoutMs: number;
  logger: Logger;
}

export interface PingOutcome {
  url: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

/** One publish ping; throws when the hub does not answer 2xx in time. */
export async function pingHub(hubUrl: string, url: string, timeoutMs: number): Promise<void> {
  const response = await fetch(hubUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) throw new Error(`hub answered ${response.status}`);
}

export function createWebSubPublisher(options: WebSubOptions, onOutcome: (outcome: PingOutcome) => void = () => {}) {
  const queued = new Set<string>();
  const idle = new Set<() => void>();
  const done = (url: string) => {
    queued.delete(url);
    if (!queued.size) for (const resolve of idle) resolve();
  };
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const ping = (url: string) => pingHub(options.hubUrl, url, options.timeoutMs);

  function attempt(url: string, n: number): void {
    ping(url).then(
      () => {
        done(url);
        onOutcome({ url, ok: true, attempts: n });
      },
      (error: Error) => {
        if (closed || n > options.retries) {
          done(url);
          options.logger.warn({ hub: options.hubUrl, url, attempts: n, err: error.message }, "websub: publish ping failed, giving up");
          onOutcome({ url, ok: false, attempts: n, error: error.message });
          return;
        }
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            attempt(url, n + 1);
          },
          options.retryBaseMs * 2 ** (n - 1),
        );
        timer.unref();
        timers.add(timer);
      },
    );
  }

  return {
    /** Queues one ping per URL; a URL already waiting for its ping is not queued twice. */
    publish(urls: string[]): void {
      if (closed) return;
      for (const url of urls) {
        if (queued.has(url)) continue;
        queued.add(url);
        attempt(url, 1);
      }
    },

    /**
     * Resolves when every queued ping has been answered or given up on, or after `ms`: a short-lived
     * process (npm run seed) waits for its pings before it exits.
     */
    settle(ms: number): Promise<void> {
      if (!queued.size) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          idle.delete(finish);
          resolve();
        };
        const timer = setTimeout(finish, ms);
        idle.add(finish);
      });
    },

    /** Drops pending retries (shutdown). */
    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
