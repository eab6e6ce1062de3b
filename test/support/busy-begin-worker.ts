/**
 * Run as a worker by group-commit.test.ts: a group commit whose transaction
 * cannot begin, because another connection holds the database's write lock
 * (busy_timeout 0, so SQLite answers SQLITE_BUSY at once). Posts `ready`
 * just before queuing the write, then what became of it and of a write
 * queued once the lock is free. In a worker because a group commit that
 * never gives the event loop back can only be stopped from outside.
 */
import { parentPort } from "node:worker_threads";
import Database from "better-sqlite3";
import { openSqliteProbe } from "./sqlite-probe.js";

const outcome = <T>(p: Promise<T>) =>
  p.then((value) => ({ value }), (err: Error & { code?: string }) => ({ error: err.code ?? err.message }));

const probe = openSqliteProbe();
probe.store.db.pragma("busy_timeout = 0");
const other = new Database(probe.file);
other.prepare("BEGIN IMMEDIATE").run();
parentPort!.postMessage({ ready: true });
const locked = await outcome(probe.store.writes.run(async () => (probe.insert(1), "one")));
other.prepare("ROLLBACK").run();
other.close();
const free = await outcome(probe.store.writes.run(async () => (probe.insert(2), "two")));
const committed = probe.committed();
await probe.close();
parentPort!.postMessage({ locked, free, committed });
