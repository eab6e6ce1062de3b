/**
 * Storage of progress nodes, items and subscriptions: plain functions over
 * better-sqlite3 that take the database first, prepared once per database.
 * `appendItem` is the one multi-step write and runs in a transaction, so a
 * notification is only ever sent for an item that is committed.
 */
import type { ProgressItemRow, ProgressNodeRow } from "../../schema/progress.js";
import type { Db } from "../store/database.js";
import { itemId, type ProgressEvent, type ProgressItem, type Stage } from "./progress-event.js";
import type { ProgressStorage } from "./progress-storage.js";

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    node: db.prepare<[string], ProgressNodeRow>("SELECT * FROM progress_nodes WHERE message_id = ?"),
    insertNode: db.prepare<[string, string, number, number]>(
      "INSERT INTO progress_nodes (message_id, owner, created_at, updated_at) VALUES (?, ?, ?, ?)",
    ),
    nextSeq: db.prepare<[number, string], { last_seq: number }>(
      "UPDATE progress_nodes SET last_seq = last_seq + 1, updated_at = ? WHERE message_id = ? RETURNING last_seq",
    ),
    insertItem: db.prepare<[string, number, string, number, string | null, string | null, number | null, string, number | null, string]>(
      `INSERT INTO progress_items (message_id, seq, stage, at, by, reason, recipients, domains, suppressed, publisher)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trim: db.prepare<[string, number]>("DELETE FROM progress_items WHERE message_id = ? AND seq <= ?"),
    items: db.prepare<[string], ProgressItemRow>("SELECT * FROM progress_items WHERE message_id = ? ORDER BY seq"),
    item: db.prepare<[string, number], ProgressItemRow>("SELECT * FROM progress_items WHERE message_id = ? AND seq = ?"),
    lastItems: db.prepare<[string, number], ProgressItemRow>(
      "SELECT * FROM (SELECT * FROM progress_items WHERE message_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
    ),
    subscribe: db.prepare<[string, string]>("INSERT OR IGNORE INTO progress_subscriptions (message_id, jid) VALUES (?, ?)"),
    unsubscribe: db.prepare<[string, string]>("DELETE FROM progress_subscriptions WHERE message_id = ? AND jid = ?"),
    subscribers: db.prepare<[string], { jid: string }>("SELECT jid FROM progress_subscriptions WHERE message_id = ? ORDER BY jid"),
    addDomain: db.prepare<[string, string]>("INSERT OR IGNORE INTO progress_recipient_domains (message_id, domain) VALUES (?, ?)"),
    domains: db.prepare<[string], { domain: string }>(
      "SELECT domain FROM progress_recipient_domains WHERE message_id = ? ORDER BY domain",
    ),
    owned: db.prepare<[string, number], { message_id: string }>(
      "SELECT message_id FROM progress_nodes WHERE owner = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
    ),
    count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM progress_nodes"),
    rejectedSince: db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM progress_items WHERE message_id = ? AND stage = 'rejected' AND at > ?",
    ),
    suppress: db.prepare<[string]>("UPDATE progress_nodes SET rejected_suppressed = rejected_suppressed + 1 WHERE message_id = ?"),
    unsuppress: db.prepare<[string]>("UPDATE progress_nodes SET rejected_suppressed = 0 WHERE message_id = ?"),
    sweep: db.prepare<[number]>("DELETE FROM progress_nodes WHERE updated_at < ?"),
  };
}

function s(db: Db) {
  let st = statements.get(db);
  if (!st) statements.set(db, (st = prepare(db)));
  return st;
}

/** An item to append, as stored; `seq` is assigned by appendItem. */
export type NewItemRow = Omit<ProgressItemRow, "message_id" | "seq">;

export interface AppendOptions {
  /** Create the node owned by this bare JID (and subscribe it) first. */
  createOwner?: string;
  /** Keep at most this many items; the oldest go. */
  maxItems: number;
}

/** Appends one item atomically; returns its counter and the subscribers at commit time. */
export function appendItem(db: Db, messageId: string, row: NewItemRow, options: AppendOptions) {
  const st = s(db);
  return db.transaction(() => {
    if (options.createOwner) {
      st.insertNode.run(messageId, options.createOwner, row.at, row.at);
      st.subscribe.run(messageId, options.createOwner);
    }
    const seq = st.nextSeq.get(row.at, messageId)!.last_seq;
    const { stage, at, by, reason, recipients, domains, suppressed, publisher } = row;
    st.insertItem.run(messageId, seq, stage, at, by, reason, recipients, domains, suppressed, publisher);
    st.trim.run(messageId, seq - options.maxItems);
    for (const domain of domains.split(" ").filter(Boolean)) st.addDomain.run(messageId, domain);
    if (stage === "rejected") st.unsuppress.run(messageId);
    return { seq, subscribers: st.subscribers.all(messageId).map((r) => r.jid) };
  })();
}

export const findNode = (db: Db, messageId: string) => s(db).node.get(messageId);
export const listItems = (db: Db, messageId: string) => s(db).items.all(messageId);
export const lastItems = (db: Db, messageId: string, n: number) => s(db).lastItems.all(messageId, n);
export const findItem = (db: Db, messageId: string, seq: number) => s(db).item.get(messageId, seq);
export const subscribe = (db: Db, messageId: string, jid: string) => void s(db).subscribe.run(messageId, jid);
export const unsubscribe = (db: Db, messageId: string, jid: string) => s(db).unsubscribe.run(messageId, jid).changes > 0;
export const listSubscribers = (db: Db, messageId: string) => s(db).subscribers.all(messageId).map((r) => r.jid);
export const recipientDomains = (db: Db, messageId: string) => s(db).domains.all(messageId).map((r) => r.domain);
export const nodesOwnedBy = (db: Db, owner: string, limit: number) => s(db).owned.all(owner, limit).map((r) => r.message_id);
export const countNodes = (db: Db) => s(db).count.get()!.n;
export const countRejectedSince = (db: Db, messageId: string, since: number) => s(db).rejectedSince.get(messageId, since)!.n;
export const countSuppressed = (db: Db, messageId: string) => void s(db).suppress.run(messageId);
/** Removes nodes (with their items and subscriptions) whose newest item is older than `before`. */
export const sweepNodes = (db: Db, before: number) => s(db).sweep.run(before).changes;

/** The store behind the ProgressStorage interface the core is given. */
export function sqliteProgressStorage(db: Db): ProgressStorage {
  return {
    node: (id) => {
      const row = findNode(db, id);
      return row && { owner: row.owner, createdAt: row.created_at, suppressed: row.rejected_suppressed };
    },
    append: (id, publisher, event, options) => appendItem(db, id, toRow(publisher, event), options),
    items: (id, query) => {
      const rows = query.seqs
        ? query.seqs.flatMap((seq) => findItem(db, id, seq) ?? [])
        : query.last !== undefined ? lastItems(db, id, query.last) : listItems(db, id);
      return rows.map(toItem);
    },
    subscribe: (id, jid) => subscribe(db, id, jid),
    unsubscribe: (id, jid) => unsubscribe(db, id, jid),
    subscribers: (id) => listSubscribers(db, id),
    recipientDomains: (id) => recipientDomains(db, id),
    ownedBy: (owner, limit) => nodesOwnedBy(db, owner, limit),
    count: () => countNodes(db),
    rejectedSince: (id, since) => countRejectedSince(db, id, since),
    suppressRejected: (id) => countSuppressed(db, id),
    sweep: (before) => sweepNodes(db, before),
  };
}

function toRow(publisher: string, e: ProgressEvent): NewItemRow {
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

function toItem(row: ProgressItemRow): ProgressItem {
  const event: ProgressEvent = { stage: row.stage as Stage, at: row.at, by: row.by ?? "", recipientDomains: row.domains.split(" ").filter(Boolean) };
  if (row.reason !== null) event.reason = row.reason;
  if (row.recipients !== null) event.recipients = row.recipients;
  if (row.suppressed !== null) event.suppressed = row.suppressed;
  return { id: itemId(row.seq), event };
}
