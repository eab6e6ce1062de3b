/**
 * Progress nodes, items and subscriptions on PostgreSQL (the SQLite version
 * is sqlite-progress-storage.ts; rows are converted by the same toRow and
 * toItem). An append is one transaction whose first write moves the node's
 * counter, so appends to one node from several instances take turns on that
 * row and item ids stay unique and ordered. Creating a node two instances
 * both found missing is harmless: the second insert does nothing.
 */
import type { ProgressItemRow, ProgressNodeRow } from "../../schema/progress.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import type { Sql } from "../store/postgres-sql.js";
import type { ProgressStorage } from "./progress-storage.js";
import { toItem, toRow } from "./sqlite-progress-storage.js";

const NODE = "owner = $1 AND message_id = $2";
const k = (key: NodeKey) => [key.owner, key.messageId];

export function postgresProgressStorage(sql: Sql): ProgressStorage {
  const subscribers = async (s: Sql, key: NodeKey) =>
    (await s.query<{ jid: string }>(`SELECT jid FROM progress_subscriptions WHERE ${NODE} ORDER BY jid COLLATE "C"`, k(key))).map((r) => r.jid);
  return {
    node: async (key) => {
      const row = (await sql.query<ProgressNodeRow>(`SELECT * FROM progress_nodes WHERE ${NODE}`, k(key)))[0];
      return row && { owner: row.owner, createdAt: row.created_at, suppressed: row.rejected_suppressed };
    },
    append: (key, publisher, event, options) =>
      sql.transaction(async (tx) => {
        const row = toRow(publisher, event);
        if (options.create) {
          await tx.query("INSERT INTO progress_nodes (owner, message_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [...k(key), row.at]);
          await tx.query("INSERT INTO progress_subscriptions (owner, message_id, jid) VALUES ($1, $2, $1) ON CONFLICT DO NOTHING", k(key));
        }
        const next = await tx.query<{ last_seq: number }>(`UPDATE progress_nodes SET last_seq = last_seq + 1 WHERE ${NODE} RETURNING last_seq`, k(key));
        if (!next[0]) throw new Error("progress node vanished before its item was written");
        const seq = next[0].last_seq;
        await tx.query(
          `INSERT INTO progress_items (owner, message_id, seq, stage, at, by, reason, recipients, domains, suppressed, publisher)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [...k(key), seq, row.stage, row.at, row.by, row.reason, row.recipients, row.domains, row.suppressed, row.publisher],
        );
        await tx.query(`DELETE FROM progress_items WHERE ${NODE} AND seq <= $3`, [...k(key), seq - options.maxItems]);
        const domains = row.domains.split(" ").filter(Boolean);
        if (domains.length) {
          await tx.query(
            "INSERT INTO progress_recipient_domains (owner, message_id, domain) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING",
            [...k(key), domains],
          );
        }
        if (row.stage === "rejected") await tx.query(`UPDATE progress_nodes SET rejected_suppressed = 0 WHERE ${NODE}`, k(key));
        return { seq, subscribers: await subscribers(tx, key) };
      }),
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
