/**
 * A SQLite transaction whose work may await: it holds the connection's lock
 * (async-lock.ts) from BEGIN IMMEDIATE to COMMIT, so no other async chain's
 * statement lands inside it. IMMEDIATE takes the write lock first, so a
 * writer in another process makes us wait (busy_timeout) instead of failing
 * later on a stale snapshot.
 */
import type { AsyncLock } from "./async-lock.js";
import { perConnection, type Db } from "./database.js";

/**
 * The transaction-control statements, prepared once per connection: exec()
 * compiles its SQL on every call, and a group commit runs two of these per
 * verification (its savepoint) plus two per slice.
 */
function prepareControl(db: Db) {
  const run = (sql: string) => {
    const statement = db.prepare(sql);
    return () => void statement.run();
  };
  return {
    begin: run("BEGIN IMMEDIATE"),
    commit: run("COMMIT"),
    rollback: run("ROLLBACK"),
    savepoint: run("SAVEPOINT item"),
    release: run("RELEASE item"),
    rollbackTo: run("ROLLBACK TO item"),
  };
}
const statementsOf = perConnection(prepareControl);

/** `ended` runs once the transaction has committed or rolled back, still holding the lock. */
export function runTransaction<T>(db: Db, lock: AsyncLock, work: () => Promise<T>, ended?: () => void): Promise<T> {
  const sql = statementsOf(db);
  return lock.run(async () => {
    try {
      sql.begin();
      try {
        const value = await work();
        sql.commit();
        return value;
      } catch (err) {
        if (db.inTransaction) sql.rollback();
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
  const sql = statementsOf(db);
  sql.savepoint();
  try {
    const value = await work();
    sql.release();
    return value;
  } catch (err) {
    sql.rollbackTo();
    sql.release();
    throw err;
  }
}
