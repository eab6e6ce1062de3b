/**
 * Message progress (PROTOCOL.md §6) without stanzas, in the manner of
 * Prosody's util/pubsub.lua: every operation takes the requester, checks the
 * §6 rights table itself, and returns a result or a plain error word. Storage
 * and the broadcaster are injected and private: the service's own events
 * (verified, rejected) are methods here too, so no write goes around the core.
 *
 * References: PROTOCOL.md §6; XEP-0060 §6.1 (subscribe), §6.2 (unsubscribe), §6.5 (retrieve), §7.1 (publish).
 */
import { draftToEvent } from "./draft-to-event.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import {
  OWNER_STAGES, VERIFIER_STAGES, itemId, itemSeq, type ProgressEvent, type ProgressItem, type PublishDraft,
} from "../../protocol/progress-event.js";
import { MAX_ITEMS, REJECTED_PER_HOUR, type ProgressDeps, type ProgressError, type ProgressRequester } from "./progress-deps.js";
import type { StoredNode } from "./progress-storage.js";

export { MAX_ITEMS, REJECTED_PER_HOUR, type ProgressDeps, type ProgressError, type ProgressRequester } from "./progress-deps.js";

const HOUR_MS = 3_600_000;

export class ProgressCore {
  readonly maxItems: number;

  constructor(private readonly deps: ProgressDeps) {
    this.maxItems = deps.maxItems ?? MAX_ITEMS;
  }

  /**
   * The same core over another storage: the one bound to an open transaction
   * (the deferred writes publish the service's own events inside theirs).
   */
  using(storage: ProgressDeps["storage"]): ProgressCore {
    // No settle: the caller is inside a transaction, and the deferred writes wait for it.
    return new ProgressCore({ ...this.deps, storage, settle: undefined });
  }

  /** All items, the newest `maxItems`, or those with the given ids; owner and admins only. */
  async retrieve(actor: ProgressRequester, key: NodeKey, query: { maxItems?: number; ids?: string[] } = {}): Promise<ProgressItem[] | ProgressError> {
    await this.deps.settle?.();
    const denied = await this.checkReader(actor, key);
    if (denied) return denied;
    const { storage } = this.deps;
    if (query.ids) {
      const seqs = query.ids.map(itemSeq).filter((n): n is number => n !== undefined);
      const found = seqs.length > 0 ? await storage.items(key, { seqs }) : [];
      return found.length > 0 ? found : "item-not-found";
    }
    return storage.items(key, query.maxItems === undefined ? {} : { last: query.maxItems });
  }

  /** Subscribes the actor's own bare JID; anything else is invalid-jid. */
  async subscribe(actor: ProgressRequester, key: NodeKey, jid: string): Promise<{ jid: string } | ProgressError> {
    await this.deps.settle?.();
    const denied = (await this.checkReader(actor, key)) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    await this.deps.storage.subscribe(key, actor.jid);
    return { jid: actor.jid };
  }

  async unsubscribe(actor: ProgressRequester, key: NodeKey, jid: string): Promise<true | ProgressError> {
    await this.deps.settle?.();
    const denied = (await this.checkReader(actor, key)) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    return (await this.deps.storage.unsubscribe(key, actor.jid)) || "not-subscribed";
  }

  /**
   * Publishes a client's event. Rights come from the node's name, before any
   * lookup: a node named for another JID is forbidden whether or not it
   * exists, so no one can squat it or probe for it. Only its enrolled owner
   * creates a node; admins and verifiers with a pass write to existing ones.
   * A refused publisher's payload is never looked at.
   */
  async publish(actor: ProgressRequester, key: NodeKey, draft: PublishDraft | "invalid-payload"): Promise<ProgressItem | ProgressError> {
    await this.deps.settle?.();
    const isOwner = key.owner === actor.jid;
    const owns = isOwner || this.isAdmin(actor);
    if (!owns && !(await this.deps.hasPassed(key.owner, key.messageId, actor.domain))) return "forbidden";
    const node = await this.deps.storage.node(key);
    if (!node && !(isOwner && (await this.deps.isEnrolled(actor.jid)))) return "item-not-found";
    const event = draftToEvent(draft, this.deps.clock.now(), actor.domain);
    if (typeof event === "string") return event;
    if (!(owns ? OWNER_STAGES : VERIFIER_STAGES).has(event.stage)) return "forbidden";
    return this.append(key, actor.jid, event, !node);
  }

  /**
   * The service's `verified` event after a pass: creates the signer's node when it has none (§6).
   * `at` is the verification's time: the event may be written a little after it.
   */
  async publishVerified(key: NodeKey, by: string, at = this.deps.clock.now()): Promise<ProgressItem> {
    const event: ProgressEvent = { stage: "verified", at, by, recipientDomains: [] };
    return this.append(key, by, event, !(await this.node(key)));
  }

  /** The service's `rejected` event, on an existing node only; rate-limited so forged mail cannot flood its owner. */
  async publishRejected(key: NodeKey, by: string, reason?: string, at = this.deps.clock.now()): Promise<ProgressItem | "item-not-found" | "rate-limited"> {
    const { storage } = this.deps;
    const node = await storage.node(key);
    if (!node) return "item-not-found";
    if ((await storage.rejectedSince(key, at - HOUR_MS)) >= (this.deps.rejectedPerHour ?? REJECTED_PER_HOUR)) {
      await storage.suppressRejected(key);
      return "rate-limited";
    }
    const suppressed = node.suppressed > 0 ? { suppressed: node.suppressed } : {};
    return this.append(key, by, { stage: "rejected", at, by, reason, recipientDomains: [], ...suppressed });
  }

  /**
   * The owner's own stages written by the service on the owner's behalf:
   * the mail gateway signed the message for the identity, so it publishes
   * `submitted` (with the envelope's recipient domains) and `relayed`,
   * creating the node when it has none, as the owner's publish would.
   */
  async publishForOwner(key: NodeKey, by: string, event: Pick<ProgressEvent, "stage" | "recipients" | "recipientDomains">): Promise<ProgressItem | "forbidden"> {
    await this.deps.settle?.();
    if (!OWNER_STAGES.has(event.stage)) return "forbidden";
    const recipients = event.recipients === undefined ? {} : { recipients: event.recipients };
    const full: ProgressEvent = { stage: event.stage, at: this.deps.clock.now(), by, ...recipients, recipientDomains: event.recipientDomains };
    return this.append(key, by, full, !(await this.node(key)));
  }

  /** The union of the recipient domains the owner published for the message (replay detection, §5). */
  recipientDomains(key: NodeKey): Promise<string[]> {
    return this.deps.storage.recipientDomains(key);
  }

  /** Commits an item (creating the node, owner subscribed, when `create`), then hands it to the broadcaster. */
  private async append(key: NodeKey, publisher: string, event: ProgressEvent, create = false): Promise<ProgressItem> {
    const { seq, subscribers } = await this.deps.storage.append(key, publisher, event, { create, maxItems: this.maxItems });
    const item = { id: itemId(seq), event };
    this.deps.broadcast(key, item, subscribers);
    return item;
  }

  node(key: NodeKey): Promise<StoredNode | undefined> {
    return this.deps.storage.node(key);
  }

  /** The node as its owner or an admin may see it; item-not-found for anyone else (disco hides other people's nodes). */
  async visibleNode(actor: ProgressRequester, key: NodeKey): Promise<(StoredNode & { subscribers: number }) | "item-not-found"> {
    await this.deps.settle?.();
    const node = await this.node(key);
    if (!node || (node.owner !== actor.jid && !this.isAdmin(actor))) return "item-not-found";
    return { ...node, subscribers: (await this.deps.storage.subscribers(key)).length };
  }

  async ownNodes(jid: string, limit = 100): Promise<string[]> {
    await this.deps.settle?.();
    return this.deps.storage.ownedBy(jid, limit);
  }

  async countNodes(): Promise<number> {
    await this.deps.settle?.();
    return this.deps.storage.count();
  }

  /** Removes nodes created more than the retention period ago (§6: nothing a third party does keeps one alive). */
  async sweep(): Promise<{ before: number; removed: number }> {
    await this.deps.settle?.();
    const before = this.deps.clock.now() - this.deps.retentionMs;
    return { before, removed: await this.deps.storage.sweep(before) };
  }

  /** Owner and admins read; anyone else is closed-node, whether the node exists or not (the name says whose it is). */
  private async checkReader(actor: ProgressRequester, key: NodeKey): Promise<ProgressError | undefined> {
    if (key.owner !== actor.jid && !this.isAdmin(actor)) return "closed-node";
    return (await this.node(key)) ? undefined : "item-not-found";
  }

  private checkOwnJid(actor: ProgressRequester, jid: string): ProgressError | undefined {
    // A full JID of the actor names the actor too; the subscription is always kept for the bare JID.
    const bare = jid.split("/")[0]!.toLowerCase();
    return bare === actor.jid ? undefined : "invalid-jid";
  }

  private isAdmin(actor: ProgressRequester): boolean {
    return this.deps.admins.includes(actor.jid);
  }
}
