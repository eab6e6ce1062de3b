// SQLite transactions and savepoints (store/sqlite-transaction.ts), whose
// BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/ROLLBACK TO are statements prepared
// once per connection: a failure rolls back what it must and no more, and the
// connection is ready for the next transaction.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inSavepoint } from "../../../../component/store/sqlite-transaction.js";
import { openSqliteProbe } from "../../../support/sqlite-probe.js";

const tick = () => new Promise((r) => setImmediate(r));
const outcome = <T>(p: Promise<T>) => p.then((value) => ({ value }), (err: Error) => ({ error: err.message }));

describe("SQLite transactions", () => {
  it("a transaction whose work throws rolls back whole, and the connection takes the next one", async () => {
    const probe = openSqliteProbe();
    const { store } = probe;
    try {
      const failed = store.writes.runNow(async () => {
        probe.insert(1);
        await tick();
        probe.insert(2);
        throw new Error("the work fails");
      });
      await assert.rejects(failed, /the work fails/);
      assert.equal(store.db.inTransaction, false);
      // Not committed, and not left on its own connection either.
      assert.deepEqual(probe.committed(), []);
      assert.deepEqual(store.db.prepare("SELECT n FROM probe").pluck().all(), []);

      assert.equal(await store.writes.runNow(async () => (probe.insert(3), "three")), "three");
      assert.deepEqual(probe.committed(), [3]);
    } finally {
      await probe.close();
    }
  });

  it("in one group commit, each failing write rolls back alone, and so does a failing savepoint nested in a write", async () => {
    const probe = openSqliteProbe();
    const { store } = probe;
    try {
      const outcomes = await Promise.all(
        [
          async () => (probe.insert(1), "one"),
          async () => {
            probe.insert(2);
            throw new Error("two fails");
          },
          async () => {
            probe.insert(3);
            const inner = inSavepoint(store.db, async () => {
              probe.insert(4);
              throw new Error("inner fails");
            });
            await assert.rejects(inner, /inner fails/);
            await inSavepoint(store.db, async () => probe.insert(5));
            return "three";
          },
          // SQLite itself refuses this one (row 1 exists): its row 6 goes too.
          async () => (probe.insert(6), probe.insert(1), "four"),
          async () => (probe.insert(7), "five"),
        ].map((work) => outcome(store.writes.run(work))),
      );
      assert.deepEqual(outcomes, [
        { value: "one" },
        { error: "two fails" },
        { value: "three" },
        { error: "UNIQUE constraint failed: probe.n" },
        { value: "five" },
      ]);
      assert.deepEqual(probe.committed(), [1, 3, 5, 7]);
      assert.equal(store.db.inTransaction, false);
    } finally {
      await probe.close();
    }
  });

  it("two connections each have their own transaction statements", async () => {
    const a = openSqliteProbe();
    const b = openSqliteProbe();
    try {
      // Both transactions open at once, one on each connection.
      const outcomes = await Promise.all([
        outcome(
          a.store.writes.runNow(async () => {
            a.insert(1);
            await tick();
            a.insert(2);
            return "a";
          }),
        ),
        outcome(
          b.store.writes.runNow(async () => {
            b.insert(1);
            await tick();
            throw new Error("b fails");
          }),
        ),
      ]);
      assert.deepEqual(outcomes, [{ value: "a" }, { error: "b fails" }]);
      assert.deepEqual(a.committed(), [1, 2]);
      assert.deepEqual(b.committed(), []);
      assert.equal(a.store.db.inTransaction || b.store.db.inTransaction, false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
