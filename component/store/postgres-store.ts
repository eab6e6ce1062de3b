/**
 * The shared store: PostgreSQL, for several instances on several hosts. The
 * features' PostgreSQL storages over one connection pool, migrations under
 * an advisory lock (pg-migrate.ts), the identity generation read once for
 * every verification waiting on it, the verify rate limit's shared buckets,
 * and no group commit of our own: each write commits as it comes, and the
 * server groups concurrent commits itself (commit_delay, the WAL writer).
 * Unreachable or restarting, it makes the service answer temperror; the
 * pool reconnects by itself.
 */
import { postgresIdentityStorage } from "../keys/pg-identity-storage.js";
import { postgresProgressStorage } from "../progress/pg-progress-storage.js";
import { postgresVerificationStorage } from "../verification/pg-verification-storage.js";
import { migratePostgres } from "./pg-migrate.js";
import { createPool, isPostgresUnavailable, poolSql, type PoolOptions, type Sql } from "./postgres-sql.js";
import { sharedRead } from "./shared-read.js";
import type { Storages, Store, WriteBatcher } from "./store.js";

export interface PostgresStore extends Store {
  readonly engine: "postgres";
  /** The pool itself, for what only PostgreSQL has (bulk seeding, tests that look at tables). */
  readonly sql: Sql;
}

export async function openPostgresStore(url: string, options: PoolOptions = {}): Promise<PostgresStore> {
  const pool = createPool(url, options);
  const sql = poolSql(pool);
  try {
    await migratePostgres(sql);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const storages: Storages = {
    identity: postgresIdentityStorage(sql),
    progress: postgresProgressStorage(sql),
    verification: postgresVerificationStorage(sql),
  };
  // Every statement commits alone; nothing is held back, so nothing waits for a commit of ours.
  const writes: WriteBatcher = {
    run: (work) => work(storages),
    runNow: (work) => work(storages),
    afterCommit: (fn) => fn(),
    flush: async () => undefined,
  };
  const generation = sharedRead(async () => String((await sql.query<{ n: number }>("SELECT n FROM identity_generation"))[0]!.n));
  return {
    engine: "postgres",
    sql,
    ...storages,
    writes,
    identityVersion: generation,
    takeTokens: async (name, want, perMinute, now) =>
      (await sql.query<{ n: number }>("SELECT xsmtp_take_tokens($1, $2, $3, $4) AS n", [name, want, perMinute, now]))[0]!.n,
    isUnavailable: isPostgresUnavailable,
    schemaVersion: async () => (await sql.query<{ version: number }>("SELECT version FROM xsmtp_schema"))[0]!.version,
    close: () => pool.end(),
  };
}
