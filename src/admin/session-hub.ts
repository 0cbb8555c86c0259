// Admin sessions ended by a sign-out: recorded, told to the other processes, heard from them, and
// handed to this process's session codec.
import type { EndedSession } from "#src/store/admin-sessions.js";
import { createSessionCodec, type SessionCodec } from "#src/admin/session.js";
import { hours } from "#src/units.js";

export interface SessionHubDeps {
  sessions: { end(session: EndedSession, now: Date): Promise<void>; ended(now: Date): Promise<EndedSession[]> };
  /** Several processes: the bus that tells the others (absent = this process only). */
  bus?: { publish(message: { adminSessionEnded: EndedSession }): void } | undefined;
}

export function createAdminSessionHub(deps: SessionHubDeps) {
  const listeners = new Set<(session: EndedSession) => void>();
  return {
    end: async (session: EndedSession) => {
      await deps.sessions.end(session, new Date());
      deps.bus?.publish({ adminSessionEnded: session });
    },
    /** A session ended in another process. */
    ended: (session: EndedSession) => listeners.forEach((listener) => listener(session)),
    onEnded: (listener: (session: EndedSession) => void) => void listeners.add(listener),
    /** Sessions ended and not yet expired (loaded at start). */
    stillEnded: () => deps.sessions.ended(new Date()),
  };
}

export type AdminSessionHub = ReturnType<typeof createAdminSessionHub>;

/** This process's codec for the operators' cookie, told of every session ended anywhere. */
export async function startAdminSessions(hub: AdminSessionHub, adminKey: string, sessionHours: number): Promise<SessionCodec> {
  const codec = createSessionCodec(adminKey, hours(sessionHours), hub.end);
  hub.onEnded((session) => codec.ended(session));
  for (const session of await hub.stillEnded()) codec.ended(session);
  return codec;
}
