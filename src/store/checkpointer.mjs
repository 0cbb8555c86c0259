// Runs in a worker thread of store/db.ts: the WAL checkpoints of one SQLite file, on a connection of
// its own, so that copying the log into the database and syncing it to disk does not hold up the
// thread that writes. Each request copies what it can without waiting (PASSIVE); once the log holds
// more than `restartFrames` frames, the few frames left are copied with writers held back for that
// moment and the log starts over, emptied (TRUNCATE): under writes that never pause, a passive
// checkpoint alone would never let the log start over.
// Plain JavaScript: it loads the same under tsx, vitest and plain node.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";

const database = new SQLite(workerData.file, { fileMustExist: true });
database.pragma("synchronous = NORMAL");
// How long a truncating checkpoint waits for the writer and readers before it gives up (and is tried again).
database.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);

parentPort.on("message", () => {
  try {
    let [result] = database.pragma("wal_checkpoint(PASSIVE)");
    if (result.log > workerData.restartFrames) [result] = database.pragma("wal_checkpoint(TRUNCATE)");
    parentPort.postMessage({ ok: true, busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error?.message ?? error) });
  }
});
