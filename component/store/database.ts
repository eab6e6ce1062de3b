/**
 * Opens the SQLite store the way every XSMTP process uses it: WAL so that the
 * CLI can write while the component reads, foreign keys enforced, a busy
 * timeout instead of SQLITE_BUSY when both write at once, and migrations
 * applied before anything else touches it. Several processes may open one
 * fresh file at once.
 */
import Database from "better-sqlite3";
import { migrate } from "./migrate.js";

export type Db = Database.Database;

/**
 * Statements prepared once per connection, on first use: `prepare` builds
 * them for a connection and the result is kept as long as it lives.
 */
export function perConnection<S>(prepare: (db: Db) => S): (db: Db) => S {
  const prepared = new WeakMap<Db, S>();
  return (db) => {
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = prepare(db)));
    return statements;
  };
}

const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string): Db {
  const db = new Database(file);
  try {
    // First, so that everything after it waits for a lock held by another
    // process (one opening the same fresh file, say) instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    useWal(db);
    db.pragma("foreign_keys = ON");
    // NORMAL is durable across process crashes in WAL mode, which is what
    // a kill -9 can do; only an OS crash may lose the last transactions.
    db.pragma("synchronous = NORMAL");
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Switches to WAL. The switch needs the file to itself; when another process
 * holds it (opening the same fresh file), SQLite may answer SQLITE_BUSY at
 * once rather than call the busy handler, so retry, with a little jitter,
 * until the busy timeout is spent. An in-memory database stays "memory".
 */
function useWal(db: Db): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode === "wal" || mode === "memory") return;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`cannot switch the database ${db.name} to WAL mode`);
    sleep(5 + Math.random() * 20);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous pause: opening the database is synchronous, and this runs once, at start. */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
