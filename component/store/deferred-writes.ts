/**
 * Writes allowed to trail the answer they belong to: bookkeeping (progress
 * `verified`/`rejected` items and their headlines, result counters) that no
 * reply depends on. They are queued in memory and written together (on
 * SQLite one transaction per millisecond slice of the batch, on PostgreSQL
 * one transaction with lanes), at most MAX_DELAY_MS after the first was queued or
 * as soon as MAX_ITEMS are waiting, so a verification's answer no longer
 * waits for them and they share one commit and one lock.
 *
 * The price is a loss window: a kill -9 loses at most what was queued in
 * the last MAX_DELAY_MS. (MAX_ITEMS only makes the write come sooner: one
 * event-loop turn of a burst may queue more before it runs.) Anything that reads
 * what these writes produce calls flush() first (progress does so on every
 * client request), so nobody ever observes the delay.
 */
import type { Storages, WriteBatcher } from "./store.js";
import { nextTurn, slice } from "../time-slices.js";

export const MAX_DELAY_MS = 50;
export const MAX_ITEMS = 256;
/**
 * Past this many queued writes, answers wait for the queue to be written
 * (room()): under sustained overload the bookkeeping would otherwise fall
 * behind without bound, in memory, and the crash-loss window with it.
 */
export const HIGH_WATER = 4 * MAX_ITEMS;

type Write = (tx: Storages) => Promise<unknown>;
/** A queued write and the key of what it writes (a progress node): writes of one key stay in order. */
interface Queued {
  work: Write;
  key: string;
}

export class DeferredWrites {
  private queue: Queued[] = [];
  /** Coalesced state (counters) written with every batch. */
  private readonly coalesced: Write[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flushing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly writes: WriteBatcher,
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * Queues one write for the next batch. Writes with the same `key` run in
   * the order they were queued; on an engine that writes concurrently
   * (PostgreSQL), writes of different keys may overlap.
   */
  add(work: Write, key = ""): void {
    this.queue.push({ work, key });
    this.schedule();
  }

  /**
   * Resolves at once while fewer than HIGH_WATER writes wait; otherwise once
   * they are written. The verify handler awaits it before answering, so an
   * overloaded instance slows its answers instead of piling up bookkeeping.
   */
  async room(): Promise<void> {
    while (this.queue.length >= HIGH_WATER) await this.flush();
  }

  /** Registers a writer of coalesced in-memory state; call touch() when that state changes. */
  coalesce(write: Write): void {
    this.coalesced.push(write);
  }

  touch(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Writes queued behind their answers (/metrics reads it at scrape time). */
  get depth(): number {
    return this.queue.length;
  }

  /** Whether anything is queued or being written. */
  get pending(): boolean {
    return this.queue.length > 0 || this.dirty || this.flushing !== undefined;
  }

  /**
   * Writes everything queued so far; resolves once it is
   * written (or, for bookkeeping that failed, given up and reported). A call
   * during a flush waits for it, then writes what came meanwhile.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.queue.length && !this.dirty) return;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    const batch = this.queue;
    this.queue = [];
    this.dirty = false;
    this.flushing = this.write(batch)
      // Bookkeeping only: its answers have gone; losing it is the documented risk.
      .catch((err: Error) => this.onError(err))
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /**
   * On PostgreSQL, one transaction with lanes (below). On SQLite, one
   * transaction per slice of about a millisecond (component/time-slices.ts): the
   * group commit's answers get the connection between slices instead of
   * waiting for the whole batch.
   */
  private async write(batch: Queued[]): Promise<void> {
    if (this.writes.concurrency > 1) {
      await this.writes.runNow(async (tx) => {
        await this.concurrently(batch, tx);
        for (const write of this.coalesced) await this.guard(write, tx);
      });
      return;
    }
    let next = 0;
    for (;;) {
      await this.writes.runNow(async (tx) => {
        const clock = slice();
        while (next < batch.length && !clock.over()) await this.guard(batch[next++]!.work, tx);
        if (next === batch.length) for (const write of this.coalesced) await this.guard(write, tx);
      });
      if (next === batch.length) return;
      await nextTurn();
    }
  }

  /**
   * Each key's writes in order, up to `concurrency` keys at a time: on
   * PostgreSQL a progress append is a transaction of several round trips,
   * and one after another they would fall behind a busy instance's answers.
   */
  private async concurrently(batch: Queued[], tx: Storages): Promise<void> {
    const byKey = new Map<string, Write[]>();
    for (const { work, key } of batch) {
      const list = byKey.get(key);
      if (list) list.push(work);
      else byKey.set(key, [work]);
    }
    const lanes = [...byKey.values()];
    const worker = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) for (const work of lane) await this.guard(work, tx);
    };
    await Promise.all(Array.from({ length: Math.min(this.writes.concurrency, lanes.length) }, worker));
  }

  private async guard(work: Write, tx: Storages): Promise<void> {
    try {
      await work(tx);
    } catch (err) {
      // One failing write (a savepoint of its own when it has several steps) does not drop the others.
      this.onError(err as Error);
    }
  }

  private schedule(): void {
    if (this.queue.length >= MAX_ITEMS) {
      this.immediate ??= setImmediate(() => void this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), MAX_DELAY_MS);
      // Stopping the service flushes; a pending batch must not keep the process alive.
      this.timer.unref();
    }
  }
}
