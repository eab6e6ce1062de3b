/**
 * Message progress (PROTOCOL.md §6) without stanzas, in the manner of
 * Prosody's util/pubsub.lua: every operation takes the actor, checks the §6
 * rights table itself, and returns a result or a plain error word. Storage
 * and the broadcaster are injected; the broadcaster is called only after the
 * item is committed.
 *
 * References: PROTOCOL.md §6; XEP-0060 §6.1 (subscribe), §6.2 (unsubscribe), §6.5 (retrieve), §7.1 (publish).
 */
import type { Clock } from "../service-context.js";
import { draftToEvent } from "./draft-to-event.js";
import {
  OWNER_STAGES, VERIFIER_STAGES, itemId, itemSeq, type ProgressEvent, type ProgressItem, type PublishDraft,
} from "./progress-event.js";
import type { ProgressStorage, StoredNode } from "./progress-storage.js";

export type ProgressError = "item-not-found" | "closed-node" | "forbidden" | "invalid-payload" | "invalid-jid" | "not-subscribed";

/** Who asks: the bare JID the server stamped, and its domain (verifier rights are per domain). */
export interface Actor {
  jid: string;
  domain: string;
}

export interface ProgressDeps {
  storage: ProgressStorage;
  clock: Clock;
  /** Bare JIDs, lower case (config.admins). */
  admins: readonly string[];
  isEnrolled(jid: string): boolean;
  /** Whether `domain` had a passing verification of `owner`'s message (verification-store.hasPassed). */
  hasPassed(owner: string, messageId: string, domain: string): boolean;
  /** Sends a committed item to the subscribers; must not throw. */
  broadcast(messageId: string, item: ProgressItem, subscribers: string[]): void;
  retentionMs: number;
  maxItems?: number;
}

export const MAX_ITEMS = 100;

export class ProgressCore {
  readonly maxItems: number;

  constructor(private readonly deps: ProgressDeps) {
    this.maxItems = deps.maxItems ?? MAX_ITEMS;
  }

  /** All items, the newest `maxItems`, or those with the given ids; owner and admins only. */
  retrieve(actor: Actor, messageId: string, query: { maxItems?: number; ids?: string[] } = {}): ProgressItem[] | ProgressError {
    const denied = this.checkReader(actor, messageId);
    if (denied) return denied;
    const { storage } = this.deps;
    if (query.ids) {
      const seqs = query.ids.map(itemSeq).filter((n): n is number => n !== undefined);
      const found = seqs.length > 0 ? storage.items(messageId, { seqs }) : [];
      return found.length > 0 ? found : "item-not-found";
    }
    return storage.items(messageId, query.maxItems === undefined ? {} : { last: query.maxItems });
  }

  /** Subscribes the actor's own bare JID; anything else is invalid-jid. */
  subscribe(actor: Actor, messageId: string, jid: string): { jid: string } | ProgressError {
    const denied = this.checkReader(actor, messageId) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    this.deps.storage.subscribe(messageId, actor.jid);
    return { jid: actor.jid };
  }

  unsubscribe(actor: Actor, messageId: string, jid: string): true | ProgressError {
    const denied = this.checkReader(actor, messageId) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    return this.deps.storage.unsubscribe(messageId, actor.jid) || "not-subscribed";
  }

  /**
   * Publishes a client's event. An enrolled identity publishing to a node that
   * does not exist creates it and owns it. Anyone without a publish right is
   * refused before the payload is looked at, so a refusal reveals nothing.
   */
  publish(actor: Actor, messageId: string, draft: PublishDraft | "invalid-payload"): ProgressItem | ProgressError {
    const node = this.deps.storage.node(messageId);
    if (!node && !this.deps.isEnrolled(actor.jid)) return "item-not-found";
    const owns = !node || node.owner === actor.jid || this.isAdmin(actor);
    if (!owns && !this.deps.hasPassed(node!.owner, messageId, actor.domain)) return "forbidden";
    const event = draftToEvent(draft, this.deps.clock.now(), actor.domain);
    if (typeof event === "string") return event;
    if (!(owns ? OWNER_STAGES : VERIFIER_STAGES).has(event.stage)) return "forbidden";
    return this.append(messageId, actor.jid, event, node ? undefined : actor.jid);
  }

  /** Commits an item, then hands it to the broadcaster. */
  append(messageId: string, publisher: string, event: ProgressEvent, createOwner?: string): ProgressItem {
    const { seq, subscribers } = this.deps.storage.append(messageId, publisher, event, { createOwner, maxItems: this.maxItems });
    const item = { id: itemId(seq), event };
    this.deps.broadcast(messageId, item, subscribers);
    return item;
  }

  node(messageId: string): StoredNode | undefined {
    return this.deps.storage.node(messageId);
  }

  get storage(): ProgressStorage {
    return this.deps.storage;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  /** The node as its owner or an admin may see it; item-not-found for anyone else (disco hides other people's nodes). */
  visibleNode(actor: Actor, messageId: string): (StoredNode & { subscribers: number }) | "item-not-found" {
    const node = this.node(messageId);
    if (!node || (node.owner !== actor.jid && !this.isAdmin(actor))) return "item-not-found";
    return { ...node, subscribers: this.deps.storage.subscribers(messageId).length };
  }

  ownNodes(jid: string, limit = 100): string[] {
    return this.deps.storage.ownedBy(jid, limit);
  }

  countNodes(): number {
    return this.deps.storage.count();
  }

  /** Removes nodes idle for longer than the retention period; returns the horizon used and how many went. */
  sweep(): { before: number; removed: number } {
    const before = this.deps.clock.now() - this.deps.retentionMs;
    return { before, removed: this.deps.storage.sweep(before) };
  }

  private checkReader(actor: Actor, messageId: string): ProgressError | undefined {
    const node = this.node(messageId);
    if (!node) return "item-not-found";
    return node.owner === actor.jid || this.isAdmin(actor) ? undefined : "closed-node";
  }

  private checkOwnJid(actor: Actor, jid: string): ProgressError | undefined {
    // A full JID of the actor names the actor too; the subscription is always kept for the bare JID.
    const bare = jid.split("/")[0]!.toLowerCase();
    return bare === actor.jid ? undefined : "invalid-jid";
  }

  private isAdmin(actor: Actor): boolean {
    return this.deps.admins.includes(actor.jid);
  }
}
