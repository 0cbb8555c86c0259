// Group commit: units of writes from many callers (a partner pull's batch each) share one transaction
// and one commit, each unit inside a savepoint of its own, so that one unit's failure undoes that unit
// alone. A commit costs far more than the statements of a small unit (SQLite writes every page the
// transaction touched to its log, and a checkpoint now and then copies them back and syncs; PostgreSQL
// flushes its log): pages shared by the units of a group are written once, not once per unit.
// Nothing waits to fill a group: a unit that arrives while a group is being written joins it, and a
// group is committed as soon as no unit is waiting (after one turn of the event loop), or when it holds
// `maxUnits`. A caller's promise settles once its unit is committed (or undone), never before.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "#src/store/schema.js";

export interface GroupCommitOptions {
  /** The most units in one transaction: bounds how long other queries wait for the connection. */
  maxUnits: number;
}

interface Unit<T> {
  work: (trx: Transaction<Database>) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** What a unit did in the group: kept once the group commits, or undone with its error. */
type Outcome = { unit: Unit<unknown>; ok: true; value: unknown } | { unit: Unit<unknown>; ok: false; error: unknown };

/** What a unit that succeeded is told when its group's transaction failed after it: nothing was kept. `cause` is the store's error. */
export class GroupCommitError extends Error {
  constructor(cause: unknown) {
    super(`not saved: the transaction it shared with other saves failed (${(cause as Error)?.message ?? String(cause)})`, { cause });
    this.name = "GroupCommitError";
  }
}

export type GroupCommit = <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

/** A unit's work must use only the transaction it is given: a query on `db` itself would wait for the group's connection. */
export function createGroupCommit(db: Kysely<Database>, options: GroupCommitOptions): GroupCommit {
  if (!(options.maxUnits >= 1)) throw new RangeError("group commit: maxUnits must be at least 1");
  const waiting: Unit<unknown>[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (waiting.length) await writeGroup();
    } finally {
      running = false;
    }
  }

  async function writeGroup(): Promise<void> {
    const outcomes: Outcome[] = [];
    let current: Unit<unknown> | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        while (outcomes.length < options.maxUnits) {
          // One turn of the event loop: units whose data arrived meanwhile (a parse finished) join this group.
          if (!waiting.length) await new Promise((resolve) => setImmediate(resolve));
          if (!waiting.length) return;
          current = waiting.shift()!;
          outcomes.push(await runUnit(trx, current));
          current = undefined;
        }
      });
    } catch (error) {
      // The commit, or a savepoint statement, failed: nothing of the group is kept. A transaction that
      // could not even begin (the store is closed) fails the units waiting for it, rather than being
      // tried again at once, without end.
      if (!outcomes.length && !current) for (const unit of waiting.splice(0)) unit.reject(error);
      // A unit undone earlier keeps its own error; the one in progress failed with this one.
      for (const outcome of outcomes) outcome.unit.reject(outcome.ok ? new GroupCommitError(error) : outcome.error);
      current?.reject(error);
      return;
    }
    for (const outcome of outcomes) {
      if (outcome.ok) outcome.unit.resolve(outcome.value);
      else outcome.unit.reject(outcome.error);
    }
  }

  async function runUnit(trx: Transaction<Database>, unit: Unit<unknown>): Promise<Outcome> {
    await sql`savepoint dispatch_unit`.execute(trx);
    try {
      const value = await unit.work(trx);
      await sql`release savepoint dispatch_unit`.execute(trx);
      return { unit, ok: true, value };
    } catch (error) {
      await sql`rollback to savepoint dispatch_unit`.execute(trx);
      await sql`release savepoint dispatch_unit`.execute(trx);
      return { unit, ok: false, error };
    }
  }

  return <T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve, reject } as Unit<unknown>);
      if (!running) void drain();
    });
}
