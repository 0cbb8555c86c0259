import { describe, expect, it } from "vitest";
import { createAdminSessionHub, startAdminSessions } from "#src/admin/session-hub.js";
import type { EndedSession } from "#src/store/admin-sessions.js";

function memorySessions(initial: EndedSession[] = []) {
  const ended = [...initial];
  return { end: async (session: EndedSession) => void ended.push(session), ended: async () => ended, rows: ended };
}

describe("admin session hub", () => {
  it("records a sign-out and tells the other processes", async () => {
    const published: unknown[] = [];
    const sessions = memorySessions();
    const hub = createAdminSessionHub({ sessions, bus: { publish: (message) => void published.push(message) } });
    const session = { id: "s1", expires: Date.now() + 60_000 };
    await hub.end(session);
    expect(sessions.rows).toEqual([session]);
    expect(published).toEqual([{ adminSessionEnded: session }]);
  });

  it("refuses a cookie whose session was ended elsewhere, before or after this process started", async () => {
    const hub = createAdminSessionHub({ sessions: memorySessions() });
    const codec = await startAdminSessions(hub, "k".repeat(32), 1);
    const now = new Date();
    const a = codec.issue(now);
    const b = codec.issue(now);
    await codec.end(a.value, now);
    expect(codec.valid(a.value, now)).toBe(false);
    expect(codec.valid(b.value, now)).toBe(true);

    // Another process with the same key hears of it through the hub's store and bus.
    const sessions = memorySessions();
    const other = createAdminSessionHub({ sessions });
    const otherCodec = await startAdminSessions(other, "k".repeat(32), 1);
    await otherCodec.end(b.value, now);
    const later = await startAdminSessions(createAdminSessionHub({ sessions }), "k".repeat(32), 1);
    expect(later.valid(b.value, now)).toBe(false);
    hub.ended(sessions.rows[0]!);
    expect(codec.valid(b.value, now)).toBe(false);
  });
});
