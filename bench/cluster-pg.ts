/**
 * What PostgreSQL does per verification on one side of the cluster bench.
 * Statements come from pg_stat_statements (the bench's private server loads
 * it), whose counters move as each statement ends: the statistics views
 * (pg_stat_database, pg_stat_wal) are reported by each backend up to 10 s
 * late and would mix one side's work into the next. Write transactions
 * (transaction ids handed out) and WAL bytes are read off the server's own
 * positions, which move at once too. Statements are grouped by what they
 * are for (STATEMENTS, matched on their text).
 */
import pg from "pg";

/** What each statement is for, by a fragment of its text; the first match wins. */
const STATEMENTS: [string, RegExp][] = [
  ["record_pass", /INSERT INTO message_seen /],
  ["recipient_domains", /SELECT domain FROM progress_recipient_domains/],
  ["progress_node", /SELECT \* FROM progress_nodes/],
  ["progress_create", /INSERT INTO progress_nodes/],
  ["progress_append", /UPDATE progress_nodes SET last_seq/],
  ["identity_generation", /FROM identity_generation/],
  ["identity_miss", /FROM (keys|addresses|users) WHERE/],
  ["token_lease", /xsmtp_take_tokens/],
  ["result_counts", /INSERT INTO verification_counts/],
  ["begin_commit", /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i],
];
export const STATEMENT_KINDS = [...STATEMENTS.map(([kind]) => kind), "other"];

export interface PgSnapshot {
  calls: Record<string, number>;
  execMs: number;
  xids: number;
  walBytes: number;
}

export interface PgWatch {
  snapshot(): Promise<PgSnapshot>;
  close(): Promise<void>;
}

/** The server must run with shared_preload_libraries = pg_stat_statements. */
export async function watchPostgres(url: string): Promise<PgWatch> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  return {
    async snapshot() {
      const { rows } = await client.query<{ query: string; calls: string; ms: number }>(
        `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'`,
      );
      const calls: Record<string, number> = {};
      let execMs = 0;
      for (const row of rows) {
        const kind = STATEMENTS.find(([, pattern]) => pattern.test(row.query))?.[0] ?? "other";
        calls[kind] = (calls[kind] ?? 0) + Number(row.calls);
        execMs += row.ms;
      }
      const [at] = (
        await client.query<{ xids: string; wal: string }>(
          "SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xids, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal",
        )
      ).rows;
      return { calls, execMs, xids: Number(at!.xids), walBytes: Number(at!.wal) };
    },
    close: () => client.end(),
  };
}

/** Per verification between two snapshots: calls by kind, all statements, execution ms, write transactions, WAL bytes. */
export function perVerification(before: PgSnapshot, after: PgSnapshot, verifications: number): Record<string, number> {
  const out: Record<string, number> = {};
  let statements = 0;
  for (const kind of STATEMENT_KINDS) {
    const calls = (after.calls[kind] ?? 0) - (before.calls[kind] ?? 0);
    out[kind] = calls / verifications;
    statements += calls;
  }
  // The snapshot's own query is in "other" (its transaction id too, if any): one per snapshot, negligible.
  return {
    ...out,
    statements: statements / verifications,
    exec_ms: (after.execMs - before.execMs) / verifications,
    write_xacts: (after.xids - before.xids) / verifications,
    wal_bytes: (after.walBytes - before.walBytes) / verifications,
  };
}
