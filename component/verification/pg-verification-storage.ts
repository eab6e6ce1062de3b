/**
 * Verification's records on PostgreSQL (the SQLite version is
 * verification-store.ts). A pass is recorded and the message's totals are
 * read in one statement that also moves the per-message totals row
 * (migrations/postgres/002): its row lock orders concurrent passes of one
 * message from several instances, so every answer's <seen> counts are exact.
 */
import type { Sql } from "../store/postgres-sql.js";
import type { VerificationStorage } from "./verification-storage.js";

const RECORD_PASS = `
WITH d AS (
  INSERT INTO message_seen (jid, message_id, verifier_domain, passes, first_at, last_at) VALUES ($1, $2, $3, 1, $4, $4)
  ON CONFLICT (jid, message_id, verifier_domain) DO UPDATE SET passes = message_seen.passes + 1, last_at = excluded.last_at
  RETURNING passes
)
INSERT INTO message_seen_totals AS t (jid, message_id, verifications, domains, last_at)
  SELECT $1, $2, 1, 1, $4 FROM d
ON CONFLICT (jid, message_id) DO UPDATE SET
  verifications = t.verifications + 1,
  domains = t.domains + (SELECT CASE WHEN d.passes = 1 THEN 1 ELSE 0 END FROM d),
  last_at = excluded.last_at
RETURNING verifications, domains`;

const ADD_COUNTS = `
INSERT INTO verification_counts (result, reason, n)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
ON CONFLICT (result, reason) DO UPDATE SET n = verification_counts.n + excluded.n`;

export function postgresVerificationStorage(sql: Sql): VerificationStorage {
  return {
    recordPass: async (jid, messageId, domain, at) =>
      (await sql.query<{ verifications: number; domains: number }>(RECORD_PASS, [jid, messageId, domain, at]))[0]!,
    hasPassed: async (jid, messageId, domain) =>
      (await sql.query("SELECT 1 FROM message_seen WHERE jid = $1 AND message_id = $2 AND verifier_domain = $3", [jid, messageId, domain])).length > 0,
    addCounts: async (counts) => {
      if (!counts.length) return;
      await sql.query(ADD_COUNTS, [counts.map((c) => c.result), counts.map((c) => c.reason), counts.map((c) => c.n)]);
    },
    resultCounts: async () => sql.query("SELECT result, reason, n FROM verification_counts ORDER BY result, reason"),
    // The totals go with the domain rows of their age; old rate buckets are full again anyway.
    sweepSeen: (before) =>
      sql.transaction(async (tx) => {
        const rows = await tx.query<{ n: number }>("WITH gone AS (DELETE FROM message_seen WHERE last_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone", [before]);
        await tx.query("DELETE FROM message_seen_totals WHERE last_at < $1", [before]);
        await tx.query("DELETE FROM rate_buckets WHERE at < $1", [before]);
        return rows[0]!.n;
      }),
  };
}
