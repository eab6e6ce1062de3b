/**
 * What `xsmtp backup` and `xsmtp restore` need from a store engine, so that
 * one set of commands (manifest, hashes, master key, refusals) serves every
 * engine XSMTP_DATABASE can name: SQLite (sqlite-engine.ts) and PostgreSQL
 * (postgres-engine.ts).
 */
import { isPostgresUrl } from "../store/open-store.js";
import { postgresEngine } from "./postgres-engine.js";
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
  if (isPostgresUrl(database)) return postgresEngine(database);
  return sqliteEngine(database);
}
