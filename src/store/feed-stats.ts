// Feed traffic per path per day (requests and 304s). Only place with feed-stats SQL.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface FeedTraffic {
  path: string;
  day: string;
  requests: number;
  notModified: number;
}

export function createFeedStatsStore(db: Kysely<Database>) {
  return {
    /** Adds counts to what is stored per path and day. */
    async add(rows: FeedTraffic[]): Promise<void> {
      if (!rows.length) return;
      await db
        .insertInto("feed_stats")
        .values(rows.map((r) => ({ path: r.path, day: r.day, requests: r.requests, not_modified: r.notModified })))
        .onConflict((oc) =>
          oc.columns(["path", "day"]).doUpdateSet((eb) => ({
            requests: eb("feed_stats.requests", "+", eb.ref("excluded.requests")),
            not_modified: eb("feed_stats.not_modified", "+", eb.ref("excluded.not_modified")),
          })),
        )
        .execute();
    },

    /** Newest day first, then busiest path. */
    async list(since: string): Promise<FeedTraffic[]> {
      const rows = await db
        .selectFrom("feed_stats")
        .selectAll()
        .where("day", ">=", since)
        .orderBy("day", "desc")
        .orderBy("requests", "desc")
        .orderBy("path")
        .execute();
      return rows.map((r) => ({ path: r.path, day: r.day, requests: Number(r.requests), notModified: Number(r.not_modified) }));
    },
  };
}
