/**
 * Group commit on SQLite: queued writes run in one transaction per slice
 * of about a millisecond (component/time-slices.ts), each in its own
 * savepoint, and are acknowledged only once that slice's transaction has
 * committed. Under load many verifications share a commit (the WAL append
 * that dominated their cost) while "answered" still means "durable"; each
 * slice's answers leave as it commits, and other IQs are served between
 * slices. Work that must follow the commit (notifications) is deferred with
 * afterCommit.
 */
import type { AsyncLock } from "./async-lock.js";
import type { Db } from "./database.js";
import { inSavepoint, runTransaction } from "./sqlite-transaction.js";
import { nextTurn, slice } from "../time-slices.js";
import type { Storages, WriteBatcher } from "./store.js";

interface Queued {
  work: (tx: Storages) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Writes per transaction at most, so one commit never holds the lock for long. */
const MAX_BATCH = 256;

export class SqliteGroupCommit implements WriteBatcher {
  private queue: Queued[] = [];
  private pendingAfterCommit: (() => void)[] | undefined;
  private scheduled = false;

  /** `tx` are the storages bound to a transaction this class holds open. */
  constructor(
    private readonly db: Db,
    private readonly lock: AsyncLock,
    private readonly tx: Storages,
  ) {}

  readonly concurrency = 1;

  /** Writes waiting for the next batch (/metrics reads it at scrape time). */
  get depth(): number {
    return this.queue.length;
  }

  run<T>(work: (tx: Storages) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  afterCommit(fn: () => void): void {
    if (this.pendingAfterCommit) this.pendingAfterCommit.push(fn);
    else fn();
  }

  async runNow<T>(work: (tx: Storages) => Promise<T>): Promise<T> {
    const { value, after } = await this.inTransaction(() => work(this.tx));
    for (const fn of after) fn();
    return value;
  }

  async flush(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length) {
      // This slice's writes: taken from the queue one by one until the slice is over.
      const taken: Queued[] = [];
      const outcomes: { ok: boolean; value: unknown }[] = [];
      let after: (() => void)[];
      try {
        ({ after } = await this.inTransaction(async () => {
          const clock = slice();
          while (this.queue.length && taken.length < MAX_BATCH && !clock.over()) {
            const item = this.queue.shift()!;
            taken.push(item);
            try {
              // A failing item rolls back alone.
              outcomes.push({ ok: true, value: await inSavepoint(this.db, () => item.work(this.tx)) });
            } catch (err) {
              outcomes.push({ ok: false, value: err });
            }
          }
        }));
      } catch (err) {
        // A transaction that could not begin (SQLITE_BUSY: another process
        // holds the write lock) took nothing: fail the writes it was for, so
        // their IQs are answered (service-busy) and this loop moves on
        // instead of retrying the same queue forever.
        const failed = taken.length > 0 ? taken : this.queue.splice(0, MAX_BATCH);
        for (const item of failed) item.reject(err);
        continue;
      }
      taken.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
      for (const fn of after) fn();
      // The answers just committed go out, and new requests come in, before the next slice.
      if (this.queue.length) await nextTurn();
    }
  }

  /** Runs `work` in BEGIN IMMEDIATE ... COMMIT holding the lock; collects afterCommit work meanwhile. */
  private async inTransaction<T>(work: () => Promise<T>): Promise<{ value: T; after: (() => void)[] }> {
    const after: (() => void)[] = [];
    const value = await runTransaction(
      this.db,
      this.lock,
      () => {
        this.pendingAfterCommit = after;
        return work();
      },
      () => (this.pendingAfterCommit = undefined),
    );
    return { value, after };
  }
}
