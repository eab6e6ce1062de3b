/**
 * A SQLite store on a file of its own, with a `probe` table the store tests
 * write rows into from inside its transactions, and a second connection
 * that sees only what has been committed: for the tests of how writes are
 * cut into transactions (component/store/group-commit.ts, deferred-writes.ts,
 * sqlite-transaction.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { openSqliteStore, type SqliteStore } from "../../component/store/sqlite-store.js";
import { SLICE_MS } from "../../component/time-slices.js";

/**
 * Each write's work keeps the CPU this long (spin), so a slice holds
 * MOST_PER_SLICE writes at most, and a burst of BURST writes (8 ms of work)
 * is several slices of SLICE_MS (1 ms). Only lower bounds on time matter:
 * a loaded machine makes slices hold fewer writes, never more.
 */
export const SPIN_MS = 0.5;
export const MOST_PER_SLICE = Math.ceil(SLICE_MS / SPIN_MS);
export const BURST = 16;
export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface SqliteProbe {
  readonly store: SqliteStore;
  /** The database file, for a connection of one's own. */
  readonly file: string;
  /** Inserts row `n` on the store's connection, inside whatever transaction is open there. */
  insert(n: number): void;
  /** The probe rows another connection sees, in order: what has been committed. */
  committed(): number[];
  close(): Promise<void>;
}

export function openSqliteProbe(): SqliteProbe {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-probe-"));
  const file = join(dir, "probe.sqlite");
  const store = openSqliteStore(file);
  store.db.exec("CREATE TABLE probe (n INTEGER PRIMARY KEY)");
  const insert = store.db.prepare<[number]>("INSERT INTO probe (n) VALUES (?)");
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  const rows = reader.prepare<[], number>("SELECT n FROM probe ORDER BY n").pluck();
  return {
    store,
    file,
    insert: (n) => void insert.run(n),
    committed: () => rows.all(),
    // As the service stops: what is queued is written first (a test that
    // failed may leave a write queued; closing under it would fail it).
    close: async () => {
      await store.writes.flush();
      reader.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Keeps the CPU busy for at least `ms`: a write whose work takes that long,
 * so that a burst of them cannot fit in one time slice
 * (component/time-slices.ts).
 */
export function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Cuts a log of `start i` / `settled i` events (a batcher's items starting
 * their work, their promises settling) into its transactions: each is the
 * items started since the last settlement. With one transaction per slice,
 * each slice's items settle before the next slice starts.
 */
export function transactionsOf(log: readonly string[]): { started: number[]; settled: number[] }[] {
  const groups: { started: number[]; settled: number[] }[] = [];
  for (const entry of log) {
    const [kind, n] = entry.split(" ");
    if (kind !== "start" && kind !== "settled") continue;
    const last = groups.at(-1);
    if (kind === "start") {
      if (!last || last.settled.length) groups.push({ started: [Number(n)], settled: [] });
      else last.started.push(Number(n));
    } else {
      if (!last) throw new Error(`${entry} before any start`);
      last.settled.push(Number(n));
    }
  }
  return groups;
}
