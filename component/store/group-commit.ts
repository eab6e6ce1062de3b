/**
 * Group commit: writes queued in one turn of the event loop run in one
 * SQLite transaction, each in its own savepoint, and are acknowledged only
 * once that transaction has committed. Under load many verifications share a
 * commit (the WAL append that dominated their cost) while "answered" still
 * means "durable". Work that must follow the commit (notifications) is
 * deferred with afterCommit.
 */
import type { Db } from "./database.js";

interface Queued {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Writes per transaction at most, so one commit never holds the lock for long. */
const MAX_BATCH = 256;

export class GroupCommit {
  private queue: Queued[] = [];
  private pendingAfterCommit: (() => void)[] | undefined;
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** Runs `work` in the next batch; resolves with its value once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs `fn` once the current batch has committed (at once outside a batch); dropped if it rolls back. */
  afterCommit(fn: () => void): void {
    if (this.pendingAfterCommit) this.pendingAfterCommit.push(fn);
    else fn();
  }

  /**
   * Runs `work` at once in a transaction of its own (a savepoint of the batch
   * when called from inside one); afterCommit work waits for its commit.
   */
  runNow<T>(work: () => T): T {
    if (this.pendingAfterCommit) return this.db.transaction(work)();
    const after: (() => void)[] = [];
    this.pendingAfterCommit = after;
    let value: T;
    try {
      value = this.db.transaction(work).immediate();
    } finally {
      this.pendingAfterCommit = undefined;
    }
    for (const fn of after) fn();
    return value;
  }

  /** Commits everything queued now (the service calls it before closing the database). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      const after: (() => void)[] = [];
      this.pendingAfterCommit = after;
      try {
        // IMMEDIATE takes the write lock first, so a CLI writing meanwhile makes
        // us wait (busy_timeout) instead of failing on a stale read snapshot.
        this.db
          .transaction(() => {
            for (const item of batch) {
              try {
                // A nested transaction is a savepoint: a failing item rolls back alone.
                outcomes.push({ ok: true, value: this.db.transaction(item.work)() });
              } catch (err) {
                outcomes.push({ ok: false, value: err });
              }
            }
          })
          .immediate();
      } catch (err) {
        this.pendingAfterCommit = undefined;
        for (const item of batch) item.reject(err);
        continue;
      }
      this.pendingAfterCommit = undefined;
      batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
      for (const fn of after) fn();
    }
  }
}
