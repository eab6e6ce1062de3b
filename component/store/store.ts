/**
 * The store as the service sees it, whatever the engine: SQLite, embedded,
 * for one host; PostgreSQL, shared, for several instances (issue 14). Each
 * feature's storage is an interface of its own, implemented per engine
 * beside the feature; the engine's module assembles them. The service picks
 * the engine from XSMTP_DATABASE (open-store.ts).
 */
import type { IdentityStorage } from "../keys/identity-storage.js";
import type { ProgressStorage } from "../progress/progress-storage.js";
import type { VerificationStorage } from "../verification/verification-storage.js";

export type Engine = "sqlite" | "postgres";

/** The features' storages, all bound to one connection or transaction. */
export interface Storages {
  identity: IdentityStorage;
  progress: ProgressStorage;
  verification: VerificationStorage;
}

/**
 * Writes that many requests make at once (verifications): on SQLite, those
 * queued in one event-loop turn share one transaction, each in a savepoint,
 * and each is acknowledged once that transaction has committed; on
 * PostgreSQL each runs at once on the pool (the server groups concurrent
 * commits itself, and several instances write at once).
 */
export interface WriteBatcher {
  /** Runs `work` with the next batch; resolves with its value once committed. */
  run<T>(work: (tx: Storages) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction of its own now; afterCommit work waits for its commit. */
  runNow<T>(work: (tx: Storages) => Promise<T>): Promise<T>;
  /** Runs `fn` once the open batch has committed (at once when none is open); dropped if it rolls back. */
  afterCommit(fn: () => void): void;
  /** How many independent writes may run at once (1: SQLite's one connection; PostgreSQL: its pool). */
  readonly concurrency: number;
  /** Writes waiting for the next batch (0 where nothing is held back). */
  readonly depth: number;
  /** Commits everything queued now (the service calls it before closing). */
  flush(): Promise<void>;
}

export interface Store extends Storages {
  readonly engine: Engine;
  readonly writes: WriteBatcher;
  /**
   * A value that changes whenever any process has changed users, keys or
   * addresses (the identity cache drops everything when it does).
   * Concurrent calls may share one read, but never one that started before
   * the call.
   */
  identityVersion(): Promise<string>;
  /**
   * Takes up to `want` rate-limit tokens from the bucket `name` shared by
   * every instance (refilled at `perMinute`); answers how many it got.
   * Undefined on SQLite: one host, one instance, buckets in memory.
   */
  takeTokens?(name: string, want: number, perMinute: number, now: number): Promise<number>;
  /** Whether `err` means the store cannot answer now (busy, unreachable): the caller answers temperror. */
  isUnavailable(err: unknown): boolean;
  /** Tells `listener` whether the store answers, now and at every change (/metrics: xsmtp_database_up). */
  watchHealth(listener: (up: boolean) => void): void;
  /** The schema version the store is at. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
