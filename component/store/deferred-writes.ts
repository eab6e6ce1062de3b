/**
 * Writes allowed to trail the answer they belong to: bookkeeping (progress
 * `verified`/`rejected` items and their headlines, result counters) that no
 * reply depends on. They are queued in memory and written together, one
 * transaction per batch, at most MAX_DELAY_MS after the first was queued or
 * as soon as MAX_ITEMS are waiting, so a verification's answer no longer
 * waits for them and they share one commit and one lock.
 *
 * The price is a loss window: a kill -9 loses at most what was queued in
 * the last MAX_DELAY_MS. (MAX_ITEMS only makes the write come sooner: one
 * event-loop turn of a burst may queue more before it runs.) Anything that reads
 * what these writes produce calls flush() first (progress does so on every
 * client request), so nobody ever observes the delay.
 */
import type { GroupCommit } from "./group-commit.js";

export const MAX_DELAY_MS = 50;
export const MAX_ITEMS = 256;

export class DeferredWrites {
  private queue: (() => void)[] = [];
  /** Coalesced state (counters) written with every batch. */
  private readonly coalesced: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flushing = false;
  private dirty = false;

  constructor(
    private readonly writes: GroupCommit,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Queues one write; it runs in the next batch, in order. */
  add(work: () => void): void {
    this.queue.push(work);
    this.schedule();
  }

  /** Registers a writer of coalesced in-memory state; call touch() when that state changes. */
  coalesce(write: () => void): void {
    this.coalesced.push(write);
  }

  touch(): void {
    this.dirty = true;
    this.schedule();
  }

  get pending(): boolean {
    return this.queue.length > 0 || this.dirty;
  }

  /** Writes everything queued, now, in one transaction (a no-op when nothing is, or while a flush runs). */
  flush(): void {
    if (!this.pending || this.flushing) return;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    const batch = this.queue;
    this.queue = [];
    this.dirty = false;
    this.flushing = true;
    try {
      this.writes.runNow(() => {
        for (const work of batch) this.guard(work);
        for (const write of this.coalesced) this.guard(write);
      });
    } catch (err) {
      // Bookkeeping only: its answers have gone; losing it is the documented risk.
      this.onError(err as Error);
    } finally {
      this.flushing = false;
    }
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      // One failing write (a savepoint of its own when it has several steps) does not drop the others.
      this.onError(err as Error);
    }
  }

  private schedule(): void {
    if (this.queue.length >= MAX_ITEMS) {
      // Not synchronously: add() is usually called inside a group commit's savepoint.
      this.immediate ??= setImmediate(() => this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), MAX_DELAY_MS);
      // Stopping the service flushes; a pending batch must not keep the process alive.
      this.timer.unref();
    }
  }
}
