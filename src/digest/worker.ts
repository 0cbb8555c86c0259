// The worker loop (this process's worker role): a pass, then a pause of `pollMs` that new work
// cuts short, until stop().
import type { Logger } from "pino";

export function createWorkerLoop(pass: () => Promise<unknown>, logger: Logger, pollMs: number) {
  let loop: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        await pass();
      } catch (error) {
        logger.error({ err: error }, "digest worker pass failed");
      }
      if (stopped) break;
      await pause(pollMs, (cut) => (wake = cut));
      wake = undefined;
    }
  }

  return {
    /** Keeps passing in the background until stop(). */
    start(): void {
      if (loop) return;
      stopped = false;
      loop = run();
    },
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await loop;
      loop = undefined;
    },
    /** Ends the pause now: deliveries became due. */
    wake(): void {
      wake?.();
    },
  };
}

/** Waits `ms`; `onWake` is handed the function that ends the wait early. */
function pause(ms: number, onWake: (cut: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
