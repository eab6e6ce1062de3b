/**
 * A progress core over SQLite in memory with the real migrations, a clock the
 * test moves, and a broadcaster that records what it was handed (and whether
 * the item was already committed at that moment).
 */
import { keyStatements } from "../../component/keys/key-store.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import { ProgressCore, type ProgressRequester as Actor } from "../../component/progress/progress-core.js";
import type { ProgressItem, PublishDraft } from "../../protocol/progress-event.js";
import { sqliteProgressStorage } from "../../component/progress/sqlite-progress-storage.js";
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
export const MID = "m1@example.org";
/** The node of `actor`'s message `messageId` (PROTOCOL.md §6: progress/<bare-jid>/<message-id>). */
export const nodeOf = (actor: Actor, messageId = MID): NodeKey => ({ owner: actor.jid, messageId });
/** Alice's node for MID. */
export const M = nodeOf(alice);
export const submitted: PublishDraft = { stage: "submitted", recipients: "1", recipientDomains: ["Other.org"] };
export const stage = (s: string): PublishDraft => ({ stage: s, recipientDomains: [] });

export interface CoreFixture {
  db: Db;
  core: ProgressCore;
  events: VerificationEvents;
  sent: { key: NodeKey; item: ProgressItem; subscribers: string[]; committed: boolean }[];
  clock: { now: number };
  /** A verifier domain verifies `signer`'s message (alice's by default): the pass is recorded as verification would, then published. */
  passFrom(domain: string, id?: string, signer?: Actor): ProgressItem | undefined;
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
    broadcast: (key, item, subscribers) =>
      sent.push({ key, item, subscribers, committed: storage.items(key, { seqs: [Number(item.id)] }).length === 1 }),
    retentionMs: RETENTION_MS,
  });
  const events = new VerificationEvents(core);
  const passFrom = (domain: string, id = MID, signer = alice) => {
    recordPass(db, signer.jid, id, domain, clock.now);
    return events.onVerified({ result: "pass", jid: signer.jid, messageId: id }, domain);
  };
  return { db, core, events, sent, clock, passFrom };
}
