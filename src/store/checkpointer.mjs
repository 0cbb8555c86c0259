// Runs in a worker thread of store/db.ts: the WAL checkpoints of one SQLite file, on a connection of
// its own, so that copying the log into the database and syncing it to disk never holds up the thread
// that writes. PASSIVE: it never waits for, nor blocks, a writer or a reader.
// Plain JavaScript: it loads the same under tsx, vitest and plain node.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";

const database = new SQLite(workerData.file, { fileMustExist: true });
database.pragma("busy_timeout = 5000");
database.pragma("synchronous = NORMAL");

parentPort.on("message", () => {
  try {
    const [result] = database.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error?.message ?? error) });
  }
});
