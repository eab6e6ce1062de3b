/**
 * The embedded store: one SQLite file (database.ts) with the features'
 * SQLite storages over it, a lock that keeps async chains out of each
 * other's transactions (async-lock.ts), and group commit.
 */
import { identityWrites, sqliteIdentityStorage } from "../keys/key-store.js";
import { sqliteProgressStorage } from "../progress/sqlite-progress-storage.js";
import { sqliteVerificationStorage } from "../verification/verification-store.js";
import { AsyncLock } from "./async-lock.js";
import { openDatabase, type Db } from "./database.js";
import { SqliteGroupCommit } from "./group-commit.js";
import type { Storages, Store } from "./store.js";

export interface SqliteStore extends Store {
  readonly engine: "sqlite";
  /** The connection itself, for what only SQLite has (backup, tests that look at the file). */
  readonly db: Db;
}

/** Opens (creating and migrating) the file, or ":memory:". */
export function openSqliteStore(file: string): SqliteStore {
  return sqliteStore(openDatabase(file));
}

/** The store over an open connection; close() closes it. */
export function sqliteStore(db: Db): SqliteStore {
  const lock = new AsyncLock();
  const storages = (inTransaction: boolean): Storages => ({
    identity: sqliteIdentityStorage(db, lock, inTransaction),
    progress: sqliteProgressStorage(db, lock, inTransaction),
    verification: sqliteVerificationStorage(db, lock, inTransaction),
  });
  const dataVersion = perTurn(db.prepare<[], number>("PRAGMA data_version").pluck());
  return {
    engine: "sqlite",
    db,
    ...storages(false),
    writes: new SqliteGroupCommit(db, lock, storages(true)),
    // data_version moves when another connection commits; our own identity
    // writes are counted by key-store.ts, since data_version does not see them.
    identityVersion: async () => `${dataVersion()}:${identityWrites(db)}`,
    isUnavailable: (err) => {
      const code = (err as { code?: string }).code;
      return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
    },
    // A file this process has open: it answers as long as the process runs.
    watchHealth: (listener) => listener(true),
    schemaVersion: async () => db.pragma("user_version", { simple: true }) as number,
    close: async () => {
      await lock.run(() => undefined);
      if (db.open) db.close();
    },
  };
}

/**
 * PRAGMA data_version read at most once per turn of the event loop: every
 * verification checks the identity version twice (key, address), and a
 * group-commit slice decides dozens in one turn, holding the write lock, so
 * no other connection can commit in between anyway. Outside a transaction a
 * commit by another process during the turn is seen on the next one: the
 * verification then ran before the revocation, as if it had come a moment
 * sooner (PostgreSQL shares one read among waiting verifications alike).
 * Our own writes are counted apart (identityWrites) and seen at once.
 */
function perTurn(statement: { get(): number | undefined }): () => number | undefined {
  let value: number | undefined;
  let read = false;
  return () => {
    if (!read) {
      value = statement.get();
      read = true;
      setImmediate(() => (read = false));
    }
    return value;
  };
}
