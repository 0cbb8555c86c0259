// Slabs (src/mail/slabs.ts): a message's bytes are written again only once given back, and given back once.
import { describe, expect, it } from "vitest";
import { createSlabAllocator, giveBack } from "#src/mail/slabs.js";

const mail = (raw: Buffer) => ({ raw, inSlab: true });

describe("slabs", () => {
  it("writes several messages into one slab, and a slab again only when all of its messages are given back", () => {
    const slabs = createSlabAllocator({ slabBytes: 8 + 300 });
    const first = [slabs.take(100), slabs.take(100), slabs.take(100)];
    expect(new Set(first.map((b) => b.buffer)).size).toBe(1);
    first.forEach((b, i) => b.fill(i + 1));
    // Full: the next message starts a second slab.
    const second = slabs.take(100);
    expect(second.buffer).not.toBe(first[0]!.buffer);
    second.fill(9);
    // The second fills; the first still has a message out: a third slab.
    slabs.take(100);
    slabs.take(100);
    giveBack(mail(first[0]!));
    giveBack(mail(first[1]!));
    const third = slabs.take(100);
    expect(third.buffer).not.toBe(first[0]!.buffer);
    expect(slabs.slabs).toBe(3);
    // What was not given back is as it was written.
    expect([...first[2]!].every((b) => b === 3)).toBe(true);
    giveBack(mail(first[2]!));
    slabs.take(100);
    slabs.take(100);
    // The first slab, all given back, is the one written next.
    const again = slabs.take(100);
    expect(again.buffer).toBe(first[0]!.buffer);
    expect(slabs.slabs).toBe(3);
  });

  it("counts a message given back twice once", () => {
    const slabs = createSlabAllocator({ slabBytes: 8 + 200 });
    const a = mail(slabs.take(100));
    const b = slabs.take(100);
    giveBack(a);
    giveBack(a);
    expect(a.inSlab).toBe(false);
    // b is still out: a new slab, not this one.
    expect(slabs.take(150).buffer).not.toBe(b.buffer);
    expect(slabs.take(150).buffer).not.toBe(b.buffer);
  });

  it("gives a message larger than a slab a slab of its own", () => {
    const slabs = createSlabAllocator({ slabBytes: 8 + 100 });
    const big = slabs.take(1000);
    expect(big.length).toBe(1000);
    expect(big.buffer.byteLength).toBe(1008);
  });

  it("forgets a slab whose messages are not given back for 15 minutes: never written again", () => {
    let now = 0;
    const slabs = createSlabAllocator({ slabBytes: 8 + 100, now: () => now });
    const lost = slabs.take(100);
    slabs.take(100);
    expect(slabs.slabs).toBe(2);
    now += 15 * 60_000 + 1;
    // Both slabs have a message out for longer than that: a third, and only it is held.
    slabs.take(100);
    expect(slabs.slabs).toBe(1);
    // Given back after it was forgotten: still never written again.
    giveBack(mail(lost));
    for (let i = 0; i < 5; i++) expect(slabs.take(100).buffer).not.toBe(lost.buffer);
  });

  it("leaves bytes not in a slab alone", () => {
    const plain = { raw: Buffer.alloc(10), inSlab: true };
    giveBack(plain);
    expect(plain.inSlab).toBe(true);
  });
});
