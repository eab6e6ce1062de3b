// Group commit on SQLite (store/group-commit.ts): a burst of queued writes is
// written one transaction per time slice (component/time-slices.ts), each slice's
// writes answered as soon as it commits, with a turn of the event loop and no
// transaction open before the next slice.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { BURST as ITEMS, MOST_PER_SLICE, openSqliteProbe, range, spin, SPIN_MS, transactionsOf } from "../../../support/sqlite-probe.js";

describe("group commit on SQLite", () => {
  it("writes a burst one transaction per slice, answering each slice's writes once it has committed", async () => {
    const probe = openSqliteProbe();
    try {
      const log: string[] = [];
      /** What another connection saw when each write was answered. */
      const seenWhenAnswered = new Map<number, number[]>();
      const values = await Promise.all(
        range(ITEMS).map((i) =>
          probe.store.writes
            .run(async () => {
              log.push(`start ${i}`);
              probe.insert(i);
              spin(SPIN_MS);
              return `value ${i}`;
            })
            .then((value) => {
              log.push(`settled ${i}`);
              seenWhenAnswered.set(i, probe.committed());
              return value;
            }),
        ),
      );
      assert.deepEqual(values, range(ITEMS).map((i) => `value ${i}`));

      const transactions = transactionsOf(log);
      assert.deepEqual(transactions.flatMap((t) => t.started), range(ITEMS), "every write once, in order");
      // A slice's writes are all answered before the next slice starts.
      for (const t of transactions) assert.deepEqual(t.settled, t.started, log.join(", "));
      // One slice holds no more writes than fit in it: the burst is several transactions.
      assert.ok(transactions.length >= Math.max(2, ITEMS / MOST_PER_SLICE), `${transactions.length} transactions: ${log.join(", ")}`);
      for (const t of transactions) assert.ok(t.started.length <= MOST_PER_SLICE, `slice of ${t.started.join(" ")}`);
      // Answered means committed: when a write is answered, another connection
      // sees exactly the writes of its own slice and of those before it.
      transactions.forEach((t, k) => {
        const committedSoFar = transactions.slice(0, k + 1).flatMap((s) => s.started);
        for (const i of t.started) assert.deepEqual(seenWhenAnswered.get(i), committedSoFar, `when write ${i} was answered`);
      });
      assert.deepEqual(probe.committed(), range(ITEMS));
    } finally {
      await probe.close();
    }
  });

  it("a write failing in a middle slice rolls back alone: the writes before, beside and after it commit", async () => {
    const probe = openSqliteProbe();
    try {
      const FAILING = 7;
      const log: string[] = [];
      const outcomes = await Promise.all(
        range(ITEMS).map((i) =>
          probe.store.writes
            .run(async () => {
              log.push(`start ${i}`);
              probe.insert(i);
              spin(SPIN_MS);
              if (i === FAILING) throw new Error(`write ${i} fails`);
              return i;
            })
            .then(
              (value) => (log.push(`settled ${i}`), { value }),
              (err: Error) => (log.push(`settled ${i}`), { error: err.message }),
            ),
        ),
      );
      assert.deepEqual(outcomes, range(ITEMS).map((i) => (i === FAILING ? { error: `write ${i} fails` } : { value: i })));

      const transactions = transactionsOf(log);
      const failingIn = transactions.findIndex((t) => t.started.includes(FAILING));
      assert.ok(failingIn > 0 && failingIn < transactions.length - 1, `write ${FAILING} in a middle slice: ${log.join(", ")}`);
      assert.deepEqual(probe.committed(), range(ITEMS).filter((i) => i !== FAILING));
      assert.equal(probe.store.db.inTransaction, false);
    } finally {
      await probe.close();
    }
  });

  it("between two slices the event loop turns with no transaction open: another writer and the slice's afterCommit work get in", async () => {
    const probe = openSqliteProbe();
    const { store } = probe;
    try {
      const log: string[] = [];
      let other: Promise<unknown> | undefined;
      const burst = range(ITEMS).map((i) =>
        store.writes
          .run(async () => {
            log.push(`start ${i}`);
            probe.insert(i);
            if (i === 0) {
              setImmediate(() => log.push(`turn, transaction open: ${store.db.inTransaction}`));
              store.writes.afterCommit(() => log.push(`after write 0, committed: ${probe.committed().includes(0)}`));
              // Another writer asks for the connection while the first slice holds it.
              other = store.writes
                .runNow(async () => {
                  log.push("other writes");
                  probe.insert(1000);
                })
                .then(() => log.push("other committed"));
            }
            spin(SPIN_MS);
          })
          .then(() => void log.push(`settled ${i}`)),
      );
      await Promise.all(burst);
      await other;

      const transactions = transactionsOf(log);
      assert.ok(transactions.length >= 2, log.join(", "));
      // What ran after the first slice's last write and before the second slice's first.
      const from = log.indexOf(`start ${transactions[0]!.started.at(-1)}`);
      const to = log.indexOf(`start ${transactions[1]!.started[0]}`);
      const between = log.slice(from + 1, to).filter((entry) => !entry.startsWith("settled"));
      assert.deepEqual(
        between.sort(),
        ["after write 0, committed: true", "other committed", "other writes", "turn, transaction open: false"],
        log.join(", "),
      );
      assert.deepEqual(probe.committed(), [...range(ITEMS), 1000]);
    } finally {
      await probe.close();
    }
  });

  it(
    "a transaction that cannot begin (another connection holds the write lock) fails the writes queued for it, and the next ones commit",
    async () => {
      const worker = new Worker(new URL("../../../support/busy-begin-worker.js", import.meta.url));
      try {
        const result = await new Promise((resolve, reject) => {
          let deadline: NodeJS.Timeout | undefined;
          worker.on("message", (message: { ready?: true }) => {
            if (!message.ready) return void (clearTimeout(deadline), resolve(message));
            // Failing with SQLITE_BUSY takes no time; a second is for a loaded machine.
            deadline = setTimeout(() => reject(new Error("the write queued while the database was locked never settled")), 1000);
          });
          worker.on("error", reject);
          worker.on("exit", (code) => reject(new Error(`the worker exited (${code}) without an answer`)));
        });
        assert.deepEqual(result, { locked: { error: "SQLITE_BUSY" }, free: { value: "two" }, committed: [2] });
      } finally {
        await worker.terminate();
      }
    },
  );
});
