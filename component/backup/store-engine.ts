/**
 * What `xsmtp backup` and `xsmtp restore` need from a store engine, so that
 * one set of commands (manifest, hashes, master key, refusals) serves every
 * engine XSMTP_DATABASE can name. SQLite is the one implemented.
 */
import { sqliteEngine } from "./sqlite-engine.js";

export type EngineName = "sqlite" | "postgres";

export interface StoreEngine {
  readonly name: EngineName;
  /** The store's file name inside a backup folder. */
  readonly fileName: string;
  /** The newest schema version this XSMTP knows (its last migration). */
  knownSchemaVersion(): number;
  /** Whether there is a live store to back up. */
  exists(): Promise<boolean>;
  /**
   * Writes a consistent snapshot of the live store to `dest` while the
   * service keeps reading and writing it, and answers the snapshot's schema
   * version.
   */
  backupStore(dest: string): Promise<{ schemaVersion: number }>;
  /** Whether another process (the service, an `xsmtp user`) has the live store open now. */
  inUse(): Promise<boolean>;
  /** Whether the live store holds any row, which a restore would destroy. */
  hasData(): Promise<boolean>;
  /** Replaces the live store by the (checked) snapshot at `src`. */
  restoreStore(src: string): Promise<void>;
}

/** The engine for XSMTP_DATABASE, or why there is none. */
export function engineFor(database: string): StoreEngine | { reason: "engine-unsupported"; detail: string } {
  if (/^postgres(ql)?:\/\//i.test(database)) {
    // TODO(postgres): a postgresEngine(url) implementing StoreEngine:
    //  - fileName "store.pgdump";
    //  - backupStore: `pg_dump --format=custom --no-owner --no-privileges --file DEST URL`
    //    (one REPEATABLE READ snapshot, so consistent while the service writes),
    //    the schema version read from the migrations' version table in the same run;
    //  - inUse: any row of pg_stat_activity for this database with application_name 'xsmtp'
    //    other than our own backend (the service must set application_name);
    //  - hasData: any row in users, keys, message_seen or progress_nodes;
    //  - restoreStore: `pg_restore --clean --if-exists --single-transaction --no-owner
    //    --no-privileges --dbname URL SRC`;
    //  - knownSchemaVersion: the number of PostgreSQL migrations.
    // Pass the password through PGPASSWORD/.pgpass, never on the command line.
    return {
      reason: "engine-unsupported",
      detail: "backup and restore of a PostgreSQL store are not implemented yet: use pg_dump and pg_restore, and copy XSMTP_KEY_FILE",
    };
  }
  return sqliteEngine(database);
}
