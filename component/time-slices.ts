/**
 * Long batches (a burst of verifications in the group commit, a deferred
 * flush of progress items) are written one transaction per slice of about a
 * millisecond, with a turn of the event loop between slices.
 *
 * Why a transaction per slice and not one held open across pauses: SQLite
 * has one connection and one lock here, so an open transaction holds every
 * other writer, and the answers of a group commit leave only once it
 * commits. A 64-IQ burst decided in one transaction was answered all at
 * once, ~8 ms after it arrived; meanwhile the XMPP server had nothing to
 * route, and then nothing for the component to do: the two took turns
 * instead of working side by side (bench/RESULTS.md, issue 13's last round).
 * Committing every slice lets answers flow out while the rest of the burst
 * is decided, for one more WAL commit per millisecond at most.
 */
import { performance } from "node:perf_hooks";

export const SLICE_MS = 1;

/** A clock for one slice: `over()` once SLICE_MS have passed since it was made. */
export function slice(sliceMs = SLICE_MS): { over(): boolean } {
  const start = performance.now();
  return { over: () => performance.now() - start >= sliceMs };
}

/** One turn of the event loop: I/O (answers out, requests in) runs before the next slice. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs synchronous jobs in slices of about a millisecond, a turn of the
 * event loop between slices. For work that arrives faster than turns go
 * by: libuv reads a busy socket up to 32 times per poll, and each read's
 * stanzas start their handlers before any timer runs, so costly parsing
 * done straight in the handlers (a 250 KiB hostile verify request takes
 * ~20 ms to judge) added up to 110-120 ms stalls once Prosody passed
 * data 64 KB at a time. Queued here, cheap jobs still run a hundred to a
 * slice; costly ones one per turn.
 */
export class SliceQueue {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  run<T>(job: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(job());
        } catch (err) {
          reject(err);
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  private drain(): void {
    const clock = slice();
    while (this.queue.length && !clock.over()) this.queue.shift()!();
    if (this.queue.length) setImmediate(() => this.drain());
    else this.scheduled = false;
  }
}
