// Messages' bytes in shared memory, reused: a render thread writes each message it composes into a
// slab (a SharedArrayBuffer of several messages) that the main thread reads as it sends, and gives
// back message by message once sent. A message of its own buffer cost the render thread ~45 µs in
// fresh pages and the main thread its garbage collections (every 40 KB moved to it counted as external
// memory: a full collection of the whole heap every second at 2,000 messages/s). A slab's first four
// bytes count its messages not yet given back; a slab whose count is 0 is written again.
//
// The rule that keeps it safe: a message is given back once, and only when nothing will read its bytes
// again (the SMTP server answered its end of data, or the send failed and the bytes are dropped).

/** A slab's header: the count of its messages not yet given back (an Int32), then its number in its thread (an Int32, from 1); then its messages. */
const HEADER = 8;
const SLAB_BYTES = 4 * 1024 * 1024;
/** A slab with messages never given back (a pass that ended with digests still queued) is forgotten after this: never reused, freed once unreferenced. */
const FORGET_AFTER_MS = 15 * 60_000;

interface Slab {
  memory: SharedArrayBuffer;
  /** Messages of this slab not yet given back (Atomics: the main thread decrements it). */
  count: Int32Array;
  used: number;
  lastWrittenAt: number;
}

export interface SlabAllocator {
  /** `length` bytes of a slab for one message (counted in its slab until `giveBack`). */
  take(length: number): Buffer;
  /** Slabs held now (for tests and figures). */
  readonly slabs: number;
}

/** One render thread's slabs; `now` for tests. */
export function createSlabAllocator(options: { slabBytes?: number | undefined; now?: () => number } = {}): SlabAllocator {
  const slabBytes = options.slabBytes ?? SLAB_BYTES;
  const now = options.now ?? Date.now;
  const slabs: Slab[] = [];
  let current: Slab | undefined;
  let made = 0;

  function next(length: number): Slab {
    const at = now();
    for (let i = slabs.length - 1; i >= 0; i--) {
      const slab = slabs[i]!;
      if (Atomics.load(slab.count, 0) > 0 && at - slab.lastWrittenAt > FORGET_AFTER_MS) slabs.splice(i, 1);
    }
    const free = slabs.find((slab) => Atomics.load(slab.count, 0) === 0 && slab.memory.byteLength - HEADER >= length);
    if (free) {
      free.used = HEADER;
      return free;
    }
    const memory = new SharedArrayBuffer(Math.max(slabBytes, HEADER + length));
    const slab = { memory, count: new Int32Array(memory, 0, 1), used: HEADER, lastWrittenAt: at };
    new Int32Array(memory, 4, 1)[0] = ++made;
    slabs.push(slab);
    return slab;
  }

  return {
    take(length) {
      if (!current || current.used + length > current.memory.byteLength) current = next(length);
      const start = current.used;
      current.used += length;
      current.lastWrittenAt = now();
      Atomics.add(current.count, 0, 1);
      return Buffer.from(current.memory, start, length);
    },
    get slabs() {
      return slabs.length;
    },
  };
}

/**
 * Gives a message's bytes back to their slab once its send settled: the message may not be read again.
 * A message not in a slab, or given back already (the flag is cleared): nothing to do.
 */
export function giveBack(mail: { raw: Uint8Array; inSlab?: boolean | undefined }): void {
  if (!mail.inSlab || !(mail.raw.buffer instanceof SharedArrayBuffer)) return;
  mail.inSlab = false;
  Atomics.sub(new Int32Array(mail.raw.buffer, 0, 1), 0, 1);
}
