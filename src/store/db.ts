// The connection: SQLite (embedded default, a file under DATA_DIR) or PostgreSQL.
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import pg from "pg";
import type { Database } from "#src/store/schema.js";
import { redactSecrets } from "#src/redact.js";
import { makePrivateDir, makePrivateFile, tightenIfPresent } from "#src/private-files.js";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** A human-readable description of where the data lives (no password). */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite file name inside dataDir. */
  sqliteFile?: string;
  /** SQLite's page cache, MB (SQLITE_CACHE_MB). */
  sqliteCacheMb?: number;
  poolSize?: number;
}

export const DEFAULT_SQLITE_CACHE_MB = 64;

export function openDb(options: DbOptions): Db {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options);
}

function openSqlite(options: DbOptions): Db {
  makePrivateDir(options.dataDir);
  const file = path.resolve(options.dataDir, options.sqliteFile ?? "dispatch.sqlite");
  privateSqliteFiles(file);
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  // SQLite's own default is 2 MB: too small for the indexes a pull writes into once the database holds
  // tens of thousands of articles (every missed page is a read from the operating system's cache).
  database.pragma(`cache_size = -${Math.round((options.sqliteCacheMb ?? DEFAULT_SQLITE_CACHE_MB) * 1024)}`);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return {
    kysely,
    dialect: "sqlite",
    location: `sqlite:${file}`,
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}

/**
 * The database holds subscribers' addresses and IPs: 0600. SQLite gives the -wal and -shm files it
 * creates the mode of the database file, so a database file created 0600 before SQLite opens it
 * keeps all three private, each time SQLite makes them again, with no process-wide umask change
 * (which would race with anything else creating files) and no window in which they are readable.
 * Existing files with a wider mode (made by hand or by another tool) are tightened too.
 */
function privateSqliteFiles(file: string): void {
  makePrivateFile(file);
  tightenIfPresent(`${file}-wal`);
  tightenIfPresent(`${file}-shm`);
}

const STATEMENT_CACHE = 500;

/**
 * kysely prepares every query anew, and preparing (parsing and planning the SQL) costs SQLite as much
 * as running a small statement. The same SQL text reuses its statement: one connection, used by one
 * query at a time (kysely's lock), so a statement is never run twice at once.
 * Transactions begin IMMEDIATE: they take the write lock at once (waiting for another process's
 * writer up to busy_timeout), so a transaction that reads first and writes later never finds its
 * snapshot outdated by another process's commit (SQLITE_BUSY_SNAPSHOT, which no timeout waits out).
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sqlText) {
      const text = sqlText === "begin" ? "begin immediate" : sqlText;
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
    close: () => database.close(),
  };
}

function openPostgres(url: string, options: DbOptions): Db {
  // int8 (counts, sums) arrive as strings by default; our counts fit in a double.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: "postgres",
    // pg also takes a password as a query parameter (?password=…).
    location: redactSecrets(url),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}
