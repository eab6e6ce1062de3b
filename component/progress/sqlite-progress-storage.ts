/**
 * Storage of progress nodes, items and subscriptions on better-sqlite3,
 * behind the ProgressStorage interface; statements prepared once per database.
 * Every statement names a node by (owner, message_id) (migrations/004).
 * `appendItem` is the one multi-step write and runs in a transaction, so a
 * notification is only ever sent for an item that is committed.
 */
import type { ProgressItemRow, ProgressNodeRow } from "../../schema/progress.js";
import type { AsyncLock } from "../store/async-lock.js";
import { sqliteWriter } from "../store/sqlite-transaction.js";
import { perConnection, type Db } from "../store/database.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import { itemId, type ProgressEvent, type ProgressItem, type Stage } from "../../protocol/progress-event.js";
import type { ProgressStorage } from "./progress-storage.js";

const NODE = "owner = ? AND message_id = ?";
type K = [owner: string, messageId: string];

function prepare(db: Db) {
  return {
    node: db.prepare<K, ProgressNodeRow>(`SELECT * FROM progress_nodes WHERE ${NODE}`),
    insertNode: db.prepare<[...K, number]>("INSERT INTO progress_nodes (owner, message_id, created_at) VALUES (?, ?, ?)"),
    // Appending touches no time on the node: retention counts from created_at alone (§6).
    nextSeq: db.prepare<K, { last_seq: number }>(`UPDATE progress_nodes SET last_seq = last_seq + 1 WHERE ${NODE} RETURNING last_seq`),
    insertItem: db.prepare<[...K, number, string, number, string | null, string | null, number | null, string, number | null, string]>(
      `INSERT INTO progress_items (owner, message_id, seq, stage, at, by, reason, recipients, domains, suppressed, publisher)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trim: db.prepare<[...K, number]>(`DELETE FROM progress_items WHERE ${NODE} AND seq <= ?`),
    items: db.prepare<K, ProgressItemRow>(`SELECT * FROM progress_items WHERE ${NODE} ORDER BY seq`),
    item: db.prepare<[...K, number], ProgressItemRow>(`SELECT * FROM progress_items WHERE ${NODE} AND seq = ?`),
    lastItems: db.prepare<[...K, number], ProgressItemRow>(
      `SELECT * FROM (SELECT * FROM progress_items WHERE ${NODE} ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    ),
    subscribe: db.prepare<[...K, string]>("INSERT OR IGNORE INTO progress_subscriptions (owner, message_id, jid) VALUES (?, ?, ?)"),
    unsubscribe: db.prepare<[...K, string]>(`DELETE FROM progress_subscriptions WHERE ${NODE} AND jid = ?`),
    subscribers: db.prepare<K, { jid: string }>(`SELECT jid FROM progress_subscriptions WHERE ${NODE} ORDER BY jid`),
    addDomain: db.prepare<[...K, string]>("INSERT OR IGNORE INTO progress_recipient_domains (owner, message_id, domain) VALUES (?, ?, ?)"),
    domains: db.prepare<K, { domain: string }>(`SELECT domain FROM progress_recipient_domains WHERE ${NODE} ORDER BY domain`),
    owned: db.prepare<[string, number], { message_id: string }>(
      "SELECT message_id FROM progress_nodes WHERE owner = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
    ),
    count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM progress_nodes"),
    rejectedSince: db.prepare<[...K, number], { n: number }>(
      `SELECT count(*) AS n FROM progress_items WHERE ${NODE} AND stage = 'rejected' AND at > ?`,
    ),
    suppress: db.prepare<K>(`UPDATE progress_nodes SET rejected_suppressed = rejected_suppressed + 1 WHERE ${NODE}`),
    unsuppress: db.prepare<K>(`UPDATE progress_nodes SET rejected_suppressed = 0 WHERE ${NODE}`),
    sweep: db.prepare<[number]>("DELETE FROM progress_nodes WHERE created_at < ?"),
  };
}

const s = perConnection(prepare);

const k = (key: NodeKey): K => [key.owner, key.messageId];

/** An item to append, as stored; `seq` is assigned by appendItem. */
export type NewItemRow = Omit<ProgressItemRow, "owner" | "message_id" | "seq">;

interface AppendOptions {
  /** Create the node (and subscribe its owner) first. */
  create?: boolean;
  /** Keep at most this many items; the oldest go. */
  maxItems: number;
}

/** Appends one item atomically; returns its counter and the subscribers at commit time. */
function appendItem(db: Db, key: NodeKey, row: NewItemRow, options: AppendOptions) {
  const st = s(db);
  return db.transaction(() => {
    if (options.create) {
      st.insertNode.run(...k(key), row.at);
      st.subscribe.run(...k(key), key.owner);
    }
    const seq = st.nextSeq.get(...k(key))!.last_seq;
    const { stage, at, by, reason, recipients, domains, suppressed, publisher } = row;
    st.insertItem.run(...k(key), seq, stage, at, by, reason, recipients, domains, suppressed, publisher);
    // Nothing to drop until the node has held maxItems (seq counts from 1).
    if (seq > options.maxItems) st.trim.run(...k(key), seq - options.maxItems);
    for (const domain of domains.split(" ").filter(Boolean)) st.addDomain.run(...k(key), domain);
    if (stage === "rejected") st.unsuppress.run(...k(key));
    return { seq, subscribers: st.subscribers.all(...k(key)).map((r) => r.jid) };
  })();
}

const findNode = (db: Db, key: NodeKey) => s(db).node.get(...k(key));
const listItems = (db: Db, key: NodeKey) => s(db).items.all(...k(key));
const lastItems = (db: Db, key: NodeKey, n: number) => s(db).lastItems.all(...k(key), n);
const findItem = (db: Db, key: NodeKey, seq: number) => s(db).item.get(...k(key), seq);
const subscribe = (db: Db, key: NodeKey, jid: string) => void s(db).subscribe.run(...k(key), jid);
const unsubscribe = (db: Db, key: NodeKey, jid: string) => s(db).unsubscribe.run(...k(key), jid).changes > 0;
const listSubscribers = (db: Db, key: NodeKey) => s(db).subscribers.all(...k(key)).map((r) => r.jid);
const recipientDomains = (db: Db, key: NodeKey) => s(db).domains.all(...k(key)).map((r) => r.domain);
const nodesOwnedBy = (db: Db, owner: string, limit: number) => s(db).owned.all(owner, limit).map((r) => r.message_id);
const countNodes = (db: Db) => s(db).count.get()!.n;
const countRejectedSince = (db: Db, key: NodeKey, since: number) => s(db).rejectedSince.get(...k(key), since)!.n;
const addSuppressedRejected = (db: Db, key: NodeKey) => void s(db).suppress.run(...k(key));
/** Removes nodes (with their items and subscriptions) created before `before`. */
const sweepNodes = (db: Db, before: number) => s(db).sweep.run(before).changes;

/**
 * The store behind the ProgressStorage interface the core is given. Writes
 * hold the connection's lock (store/async-lock.ts) unless they run inside a
 * transaction that already does (`inTransaction`).
 */
export function sqliteProgressStorage(db: Db, lock: AsyncLock, inTransaction = false): ProgressStorage {
  const write = sqliteWriter(lock, inTransaction);
  return {
    node: async (key) => {
      const row = findNode(db, key);
      return row && { owner: row.owner, createdAt: row.created_at, suppressed: row.rejected_suppressed };
    },
    append: (key, publisher, event, options) => write(() => appendItem(db, key, toRow(publisher, event), options)),
    items: async (key, query) => {
      const rows = query.seqs
        ? query.seqs.flatMap((seq) => findItem(db, key, seq) ?? [])
        : query.last !== undefined ? lastItems(db, key, query.last) : listItems(db, key);
      return rows.map(toItem);
    },
    subscribe: (key, jid) => write(() => subscribe(db, key, jid)),
    unsubscribe: (key, jid) => write(() => unsubscribe(db, key, jid)),
    subscribers: async (key) => listSubscribers(db, key),
    recipientDomains: async (key) => recipientDomains(db, key),
    ownedBy: async (owner, limit) => nodesOwnedBy(db, owner, limit),
    count: async () => countNodes(db),
    rejectedSince: async (key, since) => countRejectedSince(db, key, since),
    suppressRejected: (key) => write(() => addSuppressedRejected(db, key)),
    sweep: (before) => write(() => sweepNodes(db, before)),
  };
}

export function toRow(publisher: string, e: ProgressEvent): NewItemRow {
  return {
    stage: e.stage,
    at: e.at,
    by: e.by,
    reason: e.reason ?? null,
    recipients: e.recipients ?? null,
    domains: e.recipientDomains.join(" "),
    suppressed: e.suppressed ?? null,
    publisher,
  };
}

export function toItem(row: ProgressItemRow): ProgressItem {
  const event: ProgressEvent = { stage: row.stage as Stage, at: row.at, by: row.by ?? "", recipientDomains: row.domains.split(" ").filter(Boolean) };
  if (row.reason !== null) event.reason = row.reason;
  if (row.recipients !== null) event.recipients = row.recipients;
  if (row.suppressed !== null) event.suppressed = row.suppressed;
  return { id: itemId(row.seq), event };
}
