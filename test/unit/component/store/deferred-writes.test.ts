// The bookkeeping written behind verification answers (store/deferred-writes.ts):
// bounded under overload, in order per key when written concurrently, and on
// SQLite written one transaction per time slice (component/time-slices.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DeferredWrites, HIGH_WATER } from "../../../../component/store/deferred-writes.js";
import type { Storages, WriteBatcher } from "../../../../component/store/store.js";
import { BURST as ITEMS, MOST_PER_SLICE, openSqliteProbe, range, spin, SPIN_MS } from "../../../support/sqlite-probe.js";

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

describe("deferred writes on SQLite", () => {
  it("a batch longer than a slice is one transaction per slice, answers get in between, the coalesced writers run once in the last", async () => {
    const probe = openSqliteProbe();
    const { store } = probe;
    try {
      // The store's own batcher, numbering the transactions the deferred writes ask for.
      let transactions = 0;
      let current = 0;
      const writes: WriteBatcher = {
        concurrency: store.writes.concurrency,
        depth: 0,
        run: (work) => store.writes.run(work),
        runNow<T>(work: (tx: Storages) => Promise<T>): Promise<T> {
          const n = ++transactions;
          return store.writes.runNow((tx) => ((current = n), work(tx)));
        },
        afterCommit: (fn) => store.writes.afterCommit(fn),
        flush: () => store.writes.flush(),
      };
      const errors: Error[] = [];
      const deferred = new DeferredWrites(writes, (err) => errors.push(err));
      const log: string[] = [];
      let coalescedRuns = 0;
      deferred.coalesce(async () => {
        log.push(`coalesced in ${current}`);
        probe.insert(1000 + ++coalescedRuns);
      });
      for (const i of range(ITEMS)) {
        deferred.add(async () => {
          log.push(`write ${i} in ${current}`);
          probe.insert(i);
          if (i === 0) {
            // A verification's write, queued while the deferred batch holds the connection.
            void store.writes
              .run(async () => {
                log.push("answer writes");
                probe.insert(500);
              })
              .then(() => log.push("answer committed"));
          }
          spin(SPIN_MS);
        }, `key ${i % 3}`);
      }
      deferred.touch();
      await deferred.flush();

      assert.deepEqual(errors, []);
      assert.equal(deferred.pending, false);
      // Which transaction each write ran in: in order, the first in the first, the last in the last.
      const inTransaction = range(ITEMS).map((i) => Number(log.find((e) => e.startsWith(`write ${i} in `))!.split(" ").at(-1)));
      assert.ok(transactions >= Math.max(2, ITEMS / MOST_PER_SLICE), `${transactions} transactions: ${log.join(", ")}`);
      assert.equal(inTransaction[0], 1);
      assert.equal(inTransaction.at(-1), transactions);
      for (let t = 1; t <= transactions; t++) {
        const writesIn = inTransaction.filter((n) => n === t).length;
        assert.ok(writesIn >= 1 && writesIn <= MOST_PER_SLICE, `${writesIn} writes in transaction ${t}: ${log.join(", ")}`);
      }
      assert.deepEqual(inTransaction, [...inTransaction].sort((x, y) => x - y));
      // The coalesced writer: once, after the last write, in the same transaction.
      const own = log.filter((e) => !e.startsWith("answer"));
      assert.deepEqual(own, [...range(ITEMS).map((i) => `write ${i} in ${inTransaction[i]}`), `coalesced in ${transactions}`]);
      // The group commit got the connection between the first two transactions.
      const lastOfFirst = log.lastIndexOf(`write ${inTransaction.lastIndexOf(1)} in 1`);
      const firstOfSecond = log.indexOf(`write ${inTransaction.indexOf(2)} in 2`);
      assert.deepEqual(log.slice(lastOfFirst + 1, firstOfSecond), ["answer writes", "answer committed"], log.join(", "));
      assert.deepEqual(probe.committed(), [...range(ITEMS), 500, 1001]);
    } finally {
      await probe.close();
    }
  });

  it("on an engine that writes concurrently (PostgreSQL), a batch however long is still one transaction", async () => {
    const b = batcher(4);
    const deferred = new DeferredWrites(b, (err) => assert.fail(err));
    const log: string[] = [];
    deferred.coalesce(async () => void log.push("coalesced"));
    for (const i of range(ITEMS))
      deferred.add(async () => {
        spin(SPIN_MS);
        log.push(`write ${i}`);
      }, `key ${i}`);
    await deferred.flush();
    assert.equal(b.transactions, 1);
    assert.equal(log.at(-1), "coalesced");
    assert.deepEqual(log.slice(0, -1).sort(), range(ITEMS).map((i) => `write ${i}`).sort());
  });
});
