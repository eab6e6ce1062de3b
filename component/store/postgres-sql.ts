/**
 * The little the PostgreSQL storages need of node-postgres: a query that
 * answers rows, and transactions whose work is handed the connection they
 * run on (nested ones are savepoints). Statements are prepared once per
 * connection under a name derived from their text. BIGINT columns (times
 * in ms, counters) are read as numbers: they stay far below 2^53.
 */
import { createHash } from "node:crypto";
import pg from "pg";

export interface Sql {
  /** Rows of one statement; outside a transaction the statement commits alone. */
  query<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** Runs SQL text of several statements, unprepared and without values (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `work` in a transaction on one connection; inside one, in a savepoint. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary" ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const names = new Map<string, string>();
/** A stable statement name per text, so each connection parses and plans it once. */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = "x" + createHash("sha1").update(text).digest("hex").slice(0, 16)));
  return name;
}

export interface PoolOptions {
  max?: number;
  /** How long to wait for a connection before failing (the service answers temperror meanwhile). */
  connectionTimeoutMillis?: number;
  onError?: (err: Error) => void;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000,
    // A statement that hangs (a server stopping) must not hold a verification forever.
    query_timeout: 10_000,
    idleTimeoutMillis: 30_000,
    types,
    application_name: "xsmtp",
  });
  // An idle connection the server drops (a restart) is reported here; without
  // a listener the error would end the process. The pool replaces it.
  pool.on("error", (err) => options.onError?.(err));
  return pool;
}

/** query and exec on the pool (each statement commits alone) or on one checked-out connection. */
function statementsOn(target: Pick<pg.ClientBase, "query">): Pick<Sql, "query" | "exec"> {
  return {
    query: async <R>(text: string, values: readonly unknown[] = []) =>
      (await target.query({ name: statementName(text), text, values: values as unknown[] })).rows as R[],
    exec: async (text) => void (await target.query(text)),
  };
}

function onClient(client: pg.PoolClient, depth: number): Sql {
  return {
    ...statementsOn(client),
    transaction: async (work) => {
      const savepoint = `s${depth}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const value = await work(onClient(client, depth + 1));
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return value;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
        throw err;
      }
    },
  };
}

/** Statements on the pool, each committing alone; transactions take a connection of their own. */
export function poolSql(pool: pg.Pool): Sql {
  return {
    ...statementsOn(pool),
    transaction: async (work) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The pool listens for errors only on idle connections. A checked-out
      // one that the server drops between two statements (killed, restarting)
      // emits 'error' with no statement to reject: unheard, it ends the
      // process. Heard, the next statement fails as unavailable instead.
      const onError = (err: Error) => (broken = err);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const value = await work(onClient(client, 1));
        await client.query("COMMIT");
        return value;
      } catch (err) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.removeListener("error", onError);
        // A connection that failed, or whose rollback failed, is in no state to be reused.
        client.release(broken);
      }
    },
  };
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "53300", "57P01", "57P02", "57P03", "40001", "40P01"]);

/**
 * Whether an error means PostgreSQL cannot answer now (down, restarting,
 * unreachable, out of connections, a serialization conflict): the service
 * answers temperror and the client retries. Class 08 is every connection
 * exception.
 */
export function isPostgresUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith("08"))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Connection refused/i.test(
    e?.message ?? "",
  );
}
