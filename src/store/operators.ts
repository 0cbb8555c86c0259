// What the operators' dashboard and /metrics read: counts across tables, grouped in SQL.
import { sql, type Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface DailyCount {
  day: string;
  n: number;
}

export interface SubscriberDays {
  /** Sign-ups (rows created) per UTC day. */
  created: DailyCount[];
  confirmed: DailyCount[];
  unsubscribed: DailyCount[];
}

type DayColumn = "created_at" | "confirmed_at" | "unsubscribed_at";

export function createOperatorStore(db: Kysely<Database>) {
  const perDay = async (column: DayColumn): Promise<DailyCount[]> => {
    const day = sql<string>`substr(${sql.ref(column)}, 1, 10)`;
    const rows = await db
      .selectFrom("subscribers")
      .select([day.as("day"), (eb) => eb.fn.countAll<number>().as("n")])
      .where(column, "is not", null)
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
  };

  return {
    async deliveryStates(): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom("deliveries")
        .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy("state")
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    /** Every day with a sign-up, confirmation or unsubscription (a handful of rows per day of history). */
    async subscriberDays(): Promise<SubscriberDays> {
      const [created, confirmed, unsubscribed] = await Promise.all([perDay("created_at"), perDay("confirmed_at"), perDay("unsubscribed_at")]);
      return { created, confirmed, unsubscribed };
    },
  };
}
