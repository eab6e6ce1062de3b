// The bookkeeping written behind verification answers (store/deferred-writes.ts):
// bounded under overload, and in order per key when written concurrently.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DeferredWrites, HIGH_WATER } from "../../../../component/store/deferred-writes.js";
import type { Storages, WriteBatcher } from "../../../../component/store/store.js";

/** A batcher that runs work at once, `concurrency` at a time, like PostgreSQL's. */
function batcher(concurrency: number): WriteBatcher & { transactions: number } {
  const b = {
    concurrency,
    depth: 0,
    transactions: 0,
    run: <T>(work: (tx: Storages) => Promise<T>) => work({} as Storages),
    runNow: <T>(work: (tx: Storages) => Promise<T>) => (b.transactions++, work({} as Storages)),
    afterCommit: (fn: () => void) => fn(),
    flush: async () => undefined,
  };
  return b;
}
const tick = () => new Promise((r) => setImmediate(r));

describe("deferred writes", () => {
  it("room() answers at once below the high-water mark, and waits until the queue is written above it", async () => {
    const deferred = new DeferredWrites(batcher(1), (err) => assert.fail(err));
    let written = 0;
    for (let i = 0; i < HIGH_WATER - 1; i++) deferred.add(async () => void written++);
    let roomy = false;
    void deferred.room().then(() => (roomy = true));
    await Promise.resolve();
    assert.equal(roomy, true);
    deferred.add(async () => void written++);
    let waited = false;
    const room = deferred.room().then(() => (waited = true));
    assert.equal(waited, false);
    await room;
    assert.equal(written, HIGH_WATER);
    assert.equal(deferred.depth, 0);
  });

  it("with concurrent writes, one key's writes keep their order while other keys run beside them", async () => {
    const deferred = new DeferredWrites(batcher(4), (err) => assert.fail(err));
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const write = (key: string, i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      log.push(`${key}${i}`);
      running--;
    };
    for (let i = 0; i < 5; i++) for (const key of ["a", "b", "c"]) deferred.add(write(key, i), key);
    await deferred.flush();
    for (const key of ["a", "b", "c"]) assert.deepEqual(log.filter((l) => l.startsWith(key)), [0, 1, 2, 3, 4].map((i) => `${key}${i}`));
    assert.equal(most, 3, "three keys, three lanes at once");
  });
});
