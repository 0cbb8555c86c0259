// Ended admin sessions (sign-out), kept until they would have expired. Only place with their SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface EndedSession {
  id: string;
  /** Epoch ms at which the session would have expired anyway. */
  expires: number;
}

export function createAdminSessionStore(db: Kysely<Database>) {
  return {
    /** Records an ended session, and forgets those past their expiry. */
    async end(session: EndedSession, now: Date): Promise<void> {
      await db.deleteFrom("admin_session_revocations").where("expires_at", "<", now.toISOString()).execute();
      await db
        .insertInto("admin_session_revocations")
        .values({ session_id: session.id, expires_at: new Date(session.expires).toISOString() })
        .onConflict((oc) => oc.column("session_id").doNothing())
        .execute();
    },
    /** Sessions ended but not yet expired (a process loads them when it starts). */
    async ended(now: Date): Promise<EndedSession[]> {
      const rows = await db.selectFrom("admin_session_revocations").select(["session_id", "expires_at"]).where("expires_at", ">=", now.toISOString()).execute();
      return rows.map((r) => ({ id: r.session_id, expires: Date.parse(r.expires_at) }));
    },
  };
}
