// The public archive's reads: the periods in which a digest went out (or is going out), newest first.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Frequency } from "#src/model.js";

/** What the digest engine's ArchivePort reads (digest/ports.ts). */
export interface ArchivedEditionRow {
  frequency: Frequency;
  period: string;
  firstAt: string;
  lastAt: string;
}

export function createArchiveStore(db: Kysely<Database>) {
  const periods = (frequency: Frequency | undefined) =>
    db
      .selectFrom("editions as e")
      .select((eb) => ["e.frequency", "e.period", eb.fn.min("e.created_at").as("firstAt"), eb.fn.max("e.created_at").as("lastAt")])
      .where((eb) =>
        eb.exists(eb.selectFrom("deliveries as d").select("d.id").whereRef("d.edition_id", "=", "e.id").where("d.state", "in", ["sent", "sending"])),
      )
      .$if(frequency !== undefined, (q) => q.where("e.frequency", "=", frequency!))
      .groupBy(["e.frequency", "e.period"]);
  const toRow = (r: { frequency: string; period: string; firstAt: string; lastAt: string }): ArchivedEditionRow => ({
    frequency: r.frequency as Frequency,
    period: r.period,
    firstAt: r.firstAt,
    lastAt: r.lastAt,
  });
  return {
    async archivedEditions(o: { frequency?: Frequency; limit: number; offset: number }): Promise<ArchivedEditionRow[]> {
      const rows = await periods(o.frequency).orderBy("lastAt", "desc").orderBy("e.period", "desc").limit(o.limit).offset(o.offset).execute();
      return rows.map(toRow);
    },
    async archivedEdition(frequency: Frequency, period: string): Promise<ArchivedEditionRow | undefined> {
      const row = await periods(frequency).where("e.period", "=", period).executeTakeFirst();
      return row ? toRow(row) : undefined;
    },
  };
}
