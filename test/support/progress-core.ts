/**
 * A progress core over a fresh test store (SQLite in memory, or PostgreSQL
 * in the PostgreSQL pass) with the real migrations, a clock the
 * test moves, and a broadcaster that records what it was handed (and whether
 * the item was already committed at that moment).
 */
import type { NodeKey } from "../../protocol/progress-node.js";
import { ProgressCore, type ProgressRequester as Actor } from "../../component/progress/progress-core.js";
import type { ProgressItem, PublishDraft } from "../../protocol/progress-event.js";
import { VerificationEvents } from "../../component/progress/verification-events.js";
import type { Store } from "../../component/store/store.js";
import { openTestStore } from "./test-store.js";

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
  store: Store;
  core: ProgressCore;
  events: VerificationEvents;
  /** What the broadcaster was handed; `committed` reads, at that moment, whether the item is in the store. */
  sent: { key: NodeKey; item: ProgressItem; subscribers: string[]; committed: Promise<boolean> }[];
  clock: { now: number };
  /** A verifier domain verifies `signer`'s message (alice's by default): the pass is recorded as verification would, then published. */
  passFrom(domain: string, id?: string, signer?: Actor): Promise<ProgressItem | undefined>;
}

export async function coreFixture(): Promise<CoreFixture> {
  const store = await openTestStore();
  const clock = { now: T0 };
  const sent: CoreFixture["sent"] = [];
  for (const jid of [alice.jid, admin.jid, mallory.jid]) await store.identity.insertUser(jid, T0);
  const storage = store.progress;
  const core = new ProgressCore({
    storage,
    clock: { now: () => clock.now },
    admins: [admin.jid],
    isEnrolled: async (jid) => (await store.identity.user(jid)) !== undefined,
    hasPassed: (owner, id, domain) => store.verification.hasPassed(owner, id, domain),
    broadcast: (key, item, subscribers) =>
      sent.push({ key, item, subscribers, committed: storage.items(key, { seqs: [Number(item.id)] }).then((found) => found.length === 1) }),
    retentionMs: RETENTION_MS,
  });
  const events = new VerificationEvents(core);
  const passFrom = async (domain: string, id = MID, signer = alice) => {
    await store.verification.recordPass(signer.jid, id, domain, clock.now);
    return events.onVerified({ result: "pass", jid: signer.jid, messageId: id }, domain);
  };
  return { store, core, events, sent, clock, passFrom };
}
