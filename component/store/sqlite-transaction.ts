/**
 * A SQLite transaction whose work may await: it holds the connection's lock
 * (async-lock.ts) from BEGIN IMMEDIATE to COMMIT, so no other async chain's
 * statement lands inside it. IMMEDIATE takes the write lock first, so a
 * writer in another process makes us wait (busy_timeout) instead of failing
 * later on a stale snapshot.
 */
import type { AsyncLock } from "./async-lock.js";
import type { Db } from "./database.js";

/** `ended` runs once the transaction has committed or rolled back, still holding the lock. */
export function runTransaction<T>(db: Db, lock: AsyncLock, work: () => Promise<T>, ended?: () => void): Promise<T> {
  return lock.run(async () => {
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        const value = await work();
        db.exec("COMMIT");
        return value;
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      ended?.();
    }
  });
}

/**
 * How a SQLite storage writes: at once when it is bound to an open
 * transaction (which holds the lock already), else holding the lock.
 */
export function sqliteWriter(lock: AsyncLock, inTransaction: boolean): <T>(work: () => T) => Promise<T> {
  return (work) => (inTransaction ? Promise.resolve(work()) : lock.run(work));
}

/**
 * Runs `work` inside the open transaction in a savepoint of its own: when it
 * throws, only its own statements are rolled back.
 */
export async function inSavepoint<T>(db: Db, work: () => Promise<T>): Promise<T> {
  db.exec("SAVEPOINT item");
  try {
    const value = await work();
    db.exec("RELEASE item");
    return value;
  } catch (err) {
    db.exec("ROLLBACK TO item");
    db.exec("RELEASE item");
    throw err;
  }
}
