/**
 * One holder at a time, across awaits. better-sqlite3 has one connection per
 * process and its transactions are per connection: once a transaction's work
 * awaits anything, another async chain could run its statements inside that
 * transaction (and lose them to its rollback). So every write and every
 * transaction on SQLite holds this lock; reads do not need it.
 */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  /** Whether someone holds the lock now. */
  get held(): boolean {
    return this.depth > 0;
  }

  /** Runs `work` once every earlier holder has finished; resolves with its value. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    const turn = this.tail.then(async () => {
      this.depth++;
      try {
        return await work();
      } finally {
        this.depth--;
      }
    });
    // The next holder waits for this one whether it succeeds or fails.
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
