/**
 * Progress nodes, items and subscriptions on PostgreSQL (the SQLite version
 * is sqlite-progress-storage.ts; rows are converted by the same toRow and
 * toItem). An append moves the node's counter first, so appends to one node
 * from several instances take turns on that row and item ids stay unique
 * and ordered. Creating a node two instances both found missing is
 * harmless: the second insert does nothing.
 *
 * An append is one statement (APPEND) after the node's creation, if any:
 * written step by step it was six round trips and a commit of its own
 * (BEGIN, counter, item, trim, subscribers, COMMIT), and the service appends
 * one `verified` item per pass, which made this the largest PostgreSQL cost
 * of a verification (bench/RESULTS.md, issue 14).
 */
import type { ProgressItemRow, ProgressNodeRow } from "../../schema/progress.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import type { Sql } from "../store/postgres-sql.js";
import type { ProgressStorage } from "./progress-storage.js";
import { toItem, toRow } from "./sqlite-progress-storage.js";

const NODE = "owner = $1 AND message_id = $2";
const k = (key: NodeKey) => [key.owner, key.messageId];

/** The node and its owner's subscription: one statement (the subscription's foreign key is checked at its end). */
const CREATE = `
WITH node AS (INSERT INTO progress_nodes (owner, message_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING)
INSERT INTO progress_subscriptions (owner, message_id, jid) VALUES ($1, $2, $1) ON CONFLICT DO NOTHING`;

/**
 * The counter (its row lock orders appends to the node; a rejected item also
 * resets the suppressed count), the item, the trim to the newest $3, the
 * recipient domains, and the subscribers as of the statement's start (the
 * creation before it included). Every part reads the node's new counter from
 * n, so a node gone meanwhile gives no row and writes nothing.
 */
const APPEND = `
WITH n AS (
  UPDATE progress_nodes SET last_seq = last_seq + 1,
    rejected_suppressed = CASE WHEN $4::text = 'rejected' THEN 0 ELSE rejected_suppressed END
  WHERE ${NODE} RETURNING last_seq
), item AS (
  INSERT INTO progress_items (owner, message_id, seq, stage, at, by, reason, recipients, domains, suppressed, publisher)
  SELECT $1, $2, last_seq, $4::text, $5::bigint, $6::text, $7::text, $8::integer, $9::text, $10::integer, $11::text FROM n
), trimmed AS (
  DELETE FROM progress_items WHERE ${NODE} AND seq <= (SELECT last_seq FROM n) - $3::integer
), domains AS (
  INSERT INTO progress_recipient_domains (owner, message_id, domain) SELECT $1, $2, unnest($12::text[]) FROM n ON CONFLICT DO NOTHING
)
SELECT last_seq, ARRAY(SELECT jid FROM progress_subscriptions WHERE ${NODE} ORDER BY jid COLLATE "C") AS subscribers FROM n`;

export function postgresProgressStorage(sql: Sql): ProgressStorage {
  const subscribers = async (s: Sql, key: NodeKey) =>
    (await s.query<{ jid: string }>(`SELECT jid FROM progress_subscriptions WHERE ${NODE} ORDER BY jid COLLATE "C"`, k(key))).map((r) => r.jid);
  return {
    node: async (key) => {
      const row = (await sql.query<ProgressNodeRow>(`SELECT * FROM progress_nodes WHERE ${NODE}`, k(key)))[0];
      return row && { owner: row.owner, createdAt: row.created_at, suppressed: row.rejected_suppressed };
    },
    append: async (key, publisher, event, options) => {
      const row = toRow(publisher, event);
      const values = [...k(key), options.maxItems, row.stage, row.at, row.by, row.reason, row.recipients, row.domains, row.suppressed, row.publisher];
      const append = async (s: Sql) => {
        const [next] = await s.query<{ last_seq: number; subscribers: string[] }>(APPEND, [...values, row.domains.split(" ").filter(Boolean)]);
        if (!next) throw new Error("progress node vanished before its item was written");
        return { seq: next.last_seq, subscribers: next.subscribers };
      };
      if (!options.create) return append(sql);
      return sql.transaction(async (tx) => {
        await tx.query(CREATE, [...k(key), row.at]);
        return append(tx);
      });
    },
    items: async (key, query) => {
      const rows = query.seqs
        ? await sql.query<ProgressItemRow>(`SELECT * FROM progress_items WHERE ${NODE} AND seq = ANY($3::int[]) ORDER BY seq`, [...k(key), query.seqs])
        : query.last !== undefined
          ? (await sql.query<ProgressItemRow>(`SELECT * FROM progress_items WHERE ${NODE} ORDER BY seq DESC LIMIT $3`, [...k(key), query.last])).reverse()
          : await sql.query<ProgressItemRow>(`SELECT * FROM progress_items WHERE ${NODE} ORDER BY seq`, k(key));
      return rows.map(toItem);
    },
    subscribe: async (key, jid) =>
      void (await sql.query("INSERT INTO progress_subscriptions (owner, message_id, jid) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [...k(key), jid])),
    unsubscribe: async (key, jid) =>
      (await sql.query(`DELETE FROM progress_subscriptions WHERE ${NODE} AND jid = $3 RETURNING 1`, [...k(key), jid])).length > 0,
    subscribers: (key) => subscribers(sql, key),
    recipientDomains: async (key) =>
      (await sql.query<{ domain: string }>(`SELECT domain FROM progress_recipient_domains WHERE ${NODE} ORDER BY domain COLLATE "C"`, k(key))).map(
        (r) => r.domain,
      ),
    ownedBy: async (owner, limit) =>
      (
        await sql.query<{ message_id: string }>(
          "SELECT message_id FROM progress_nodes WHERE owner = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
          [owner, limit],
        )
      ).map((r) => r.message_id),
    count: async () => (await sql.query<{ n: number }>("SELECT count(*) AS n FROM progress_nodes"))[0]!.n,
    rejectedSince: async (key, since) =>
      (await sql.query<{ n: number }>(`SELECT count(*) AS n FROM progress_items WHERE ${NODE} AND stage = 'rejected' AND at > $3`, [...k(key), since]))[0]!.n,
    suppressRejected: async (key) => void (await sql.query(`UPDATE progress_nodes SET rejected_suppressed = rejected_suppressed + 1 WHERE ${NODE}`, k(key))),
    sweep: async (before) =>
      (await sql.query<{ n: number }>("WITH gone AS (DELETE FROM progress_nodes WHERE created_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone", [before]))[0]!
        .n,
  };
}
