/**
 * What verification writes: passing verifications per message and verifier
 * domain (for <seen> and replay detection) and counters by result.
 */
import type { AsyncLock } from "../store/async-lock.js";
import { sqliteWriter } from "../store/sqlite-transaction.js";
import { perConnection, type Db } from "../store/database.js";
import type { VerificationStorage } from "./verification-storage.js";
import type { VerificationResult } from "../../protocol/verification-outcome.js";

function prepare(db: Db) {
  return {
    recordPass: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO message_seen (jid, message_id, verifier_domain, passes, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?)
       ON CONFLICT (jid, message_id, verifier_domain) DO UPDATE SET passes = passes + 1, last_at = excluded.last_at`,
    ),
    seen: db.prepare<[string, string], { verifications: number; domains: number }>(
      "SELECT coalesce(sum(passes), 0) AS verifications, count(*) AS domains FROM message_seen WHERE jid = ? AND message_id = ?",
    ),
    passedFrom: db.prepare<[string, string, string], { one: number }>(
      "SELECT 1 AS one FROM message_seen WHERE jid = ? AND message_id = ? AND verifier_domain = ?",
    ),
    count: db.prepare<[string, string, number]>(
      `INSERT INTO verification_counts (result, reason, n) VALUES (?, ?, ?)
       ON CONFLICT (result, reason) DO UPDATE SET n = n + excluded.n`,
    ),
    counts: db.prepare<[], { result: string; reason: string; n: number }>("SELECT result, reason, n FROM verification_counts"),
    sweep: db.prepare<[number]>("DELETE FROM message_seen WHERE last_at < ?"),
  };
}

const s = perConnection(prepare);

/**
 * Records one passing verification and returns the message's totals, this
 * one included. Atomic: inside a transaction the caller's savepoint covers
 * both statements (the group commit gives each verification one), else
 * they get a transaction of their own.
 */
function recordPass(db: Db, jid: string, messageId: string, verifierDomain: string, at: number, inTransaction: boolean) {
  const st = s(db);
  const record = () => {
    st.recordPass.run(jid, messageId, verifierDomain, at, at);
    return st.seen.get(jid, messageId)!;
  };
  return inTransaction ? record() : db.transaction(record)();
}

/** Whether `verifierDomain` had a passing verification of this message (it may then report delivery). */
function hasPassed(db: Db, jid: string, messageId: string, verifierDomain: string): boolean {
  return s(db).passedFrom.get(jid, messageId, verifierDomain) !== undefined;
}

/** Adds `n` verifications with this result and reason. */
function countResult(db: Db, result: VerificationResult, reason = "", n = 1): void {
  s(db).count.run(result, reason, n);
}

function resultCounts(db: Db): { result: string; reason: string; n: number }[] {
  return s(db).counts.all();
}

function sweepSeen(db: Db, before: number): number {
  return s(db).sweep.run(before).changes;
}

/** The SQLite store behind VerificationStorage; writes hold the connection's lock unless inside a transaction. */
export function sqliteVerificationStorage(db: Db, lock: AsyncLock, inTransaction = false): VerificationStorage {
  const write = sqliteWriter(lock, inTransaction);
  return {
    recordPass: (jid, messageId, domain, at) => write(() => recordPass(db, jid, messageId, domain, at, inTransaction)),
    hasPassed: async (jid, messageId, domain) => hasPassed(db, jid, messageId, domain),
    addCounts: (counts) =>
      write(() => db.transaction(() => counts.forEach(({ result, reason, n }) => countResult(db, result as VerificationResult, reason, n)))()),
    resultCounts: async () => resultCounts(db),
    sweepSeen: (before) => write(() => sweepSeen(db, before)),
  };
}
