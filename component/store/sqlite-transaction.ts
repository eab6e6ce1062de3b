/**
 * A SQLite transaction whose work may await: it holds the connection's lock
 * (async-lock.ts) from BEGIN IMMEDIATE to COMMIT, so no other async chain's
 * statement lands inside it. IMMEDIATE takes the write lock first, so a
 * writer in another process makes us wait (busy_timeout) instead of failing
 * later on a stale snapshot.
 */
import type { AsyncLock } from "./async-lock.js";
import type { Db } from "./database.js";

export function runTransaction<T>(db: Db, lock: AsyncLock, work: () => Promise<T>): Promise<T> {
  return lock.run(async () => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const value = await work();
      db.exec("COMMIT");
      return value;
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
  });
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
