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
  const health = new Health();
  const pool = createPool(url, { ...options, onError: (err) => (health.set(false), options.onError?.(err)) });
  const sql = watched(poolSql(pool), health);
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
    // Half the pool: the verifications answered meanwhile need connections too.
    concurrency: Math.max(1, Math.floor((options.max ?? 10) / 2)),
    depth: 0,
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
    watchHealth: (listener) => health.watch(listener),
    schemaVersion: async () => (await sql.query<{ version: number }>("SELECT version FROM xsmtp_schema"))[0]!.version,
    close: () => pool.end(),
  };
}

/** Whether the server answered the last statement; listeners hear every change. */
class Health {
  private up = true;
  private readonly listeners: ((up: boolean) => void)[] = [];
  set(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    for (const listener of this.listeners) listener(up);
  }
  watch(listener: (up: boolean) => void): void {
    this.listeners.push(listener);
    listener(this.up);
  }
}

/** The pool's statements, each telling `health` whether the server answered. */
function watched(sql: Sql, health: Health): Sql {
  const note = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const value = await work;
      health.set(true);
      return value;
    } catch (err) {
      if (isPostgresUnavailable(err)) health.set(false);
      throw err;
    }
  };
  return {
    query: (text, values) => note(sql.query(text, values)),
    exec: (text) => note(sql.exec(text)),
    transaction: (work) => note(sql.transaction(work)),
  };
}
