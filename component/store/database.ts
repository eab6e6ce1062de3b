/**
 * Opens the SQLite store the way every XSMTP process uses it: WAL so that the
 * CLI can write while the component reads, foreign keys enforced, a busy
 * timeout instead of SQLITE_BUSY when both write at once, and migrations
 * applied before anything else touches it.
 */
import Database from "better-sqlite3";
import { migrate } from "./migrate.js";

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
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
