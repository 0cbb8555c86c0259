// Closing the service: the parts one after another, and once however often close() is called.
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { closeInOrder, closeOnce } from "#src/process.js";

describe("closing", () => {
  it("closes each part after the one before it has finished, skipping absent parts", async () => {
    const events: string[] = [];
    const part = (name: string) => ({
      close: async () => {
        events.push(`${name} starts`);
        await nextTurn();
        events.push(`${name} ends`);
      },
    });
    await closeInOrder(part("queue"), undefined, part("store"));
    expect(events).toEqual(["queue starts", "queue ends", "store starts", "store ends"]);
  });

  it("runs close once, however often and however concurrently it is called", async () => {
    let runs = 0;
    const close = closeOnce(async () => {
      runs++;
      await nextTurn();
    });
    await Promise.all([close(), close()]);
    await close();
    expect(runs).toBe(1);
  });
});
