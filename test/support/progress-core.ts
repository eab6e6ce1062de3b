/**
 * A progress core over SQLite in memory with the real migrations, a clock the
 * test moves, and a broadcaster that records what it was handed (and whether
 * the item was already committed at that moment).
 */
import { keyStatements } from "../../component/keys/key-store.js";
import { ProgressCore, type Actor } from "../../component/progress/progress-core.js";
import type { ProgressItem, PublishDraft } from "../../component/progress/progress-event.js";
import { sqliteProgressStorage } from "../../component/progress/progress-store.js";
import { VerificationEvents } from "../../component/progress/verification-events.js";
import { openDatabase, type Db } from "../../component/store/database.js";
import { hasPassed, recordPass } from "../../component/verification/verification-store.js";

export const T0 = Date.parse("2026-11-28T10:00:00Z");
export const RETENTION_MS = 30 * 86_400_000;
export const alice: Actor = { jid: "alice@example.org", domain: "example.org" };
export const admin: Actor = { jid: "admin@example.org", domain: "example.org" };
export const bob: Actor = { jid: "bob@other.org", domain: "other.org" };
export const mallory: Actor = { jid: "mallory@example.org", domain: "example.org" };
export const stranger: Actor = { jid: "eve@third.example", domain: "third.example" };
export const M = "m1@example.org";
export const submitted: PublishDraft = { stage: "submitted", recipients: "1", recipientDomains: ["Other.org"] };
export const stage = (s: string): PublishDraft => ({ stage: s, recipientDomains: [] });

export interface CoreFixture {
  db: Db;
  core: ProgressCore;
  events: VerificationEvents;
  sent: { messageId: string; item: ProgressItem; subscribers: string[]; committed: boolean }[];
  clock: { now: number };
  /** A verifier domain verifies alice's message: the pass is recorded as verification would, then published. */
  passFrom(domain: string, id?: string): ProgressItem | undefined;
}

export function coreFixture(): CoreFixture {
  const db = openDatabase(":memory:");
  const clock = { now: T0 };
  const sent: CoreFixture["sent"] = [];
  const s = keyStatements(db);
  for (const jid of [alice.jid, admin.jid, mallory.jid]) s.insertUser.run(jid, T0);
  const storage = sqliteProgressStorage(db);
  const core = new ProgressCore({
    storage,
    clock: { now: () => clock.now },
    admins: [admin.jid],
    isEnrolled: (jid) => s.user.get(jid) !== undefined,
    hasPassed: (owner, id, domain) => hasPassed(db, owner, id, domain),
    broadcast: (messageId, item, subscribers) =>
      sent.push({ messageId, item, subscribers, committed: storage.items(messageId, { seqs: [Number(item.id)] }).length === 1 }),
    retentionMs: RETENTION_MS,
  });
  const events = new VerificationEvents(core);
  const passFrom = (domain: string, id = M) => {
    recordPass(db, alice.jid, id, domain, clock.now);
    return events.onVerified({ result: "pass", jid: alice.jid, messageId: id }, domain);
  };
  return { db, core, events, sent, clock, passFrom };
}
