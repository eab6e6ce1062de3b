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
import type { NodeKey } from "../../protocol/progress-node.js";
import {
  OWNER_STAGES, VERIFIER_STAGES, itemId, itemSeq, type ProgressEvent, type ProgressItem, type PublishDraft,
} from "../../protocol/progress-event.js";
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
  broadcast(key: NodeKey, item: ProgressItem, subscribers: string[]): void;
  retentionMs: number;
  maxItems?: number;
}

export const MAX_ITEMS = 100;

export class ProgressCore {
  readonly maxItems: number;
  readonly storage: ProgressStorage;
  readonly clock: Clock;

  constructor(private readonly deps: ProgressDeps) {
    this.maxItems = deps.maxItems ?? MAX_ITEMS;
    this.storage = deps.storage;
    this.clock = deps.clock;
  }

  /** All items, the newest `maxItems`, or those with the given ids; owner and admins only. */
  retrieve(actor: Actor, key: NodeKey, query: { maxItems?: number; ids?: string[] } = {}): ProgressItem[] | ProgressError {
    const denied = this.checkReader(actor, key);
    if (denied) return denied;
    const { storage } = this.deps;
    if (query.ids) {
      const seqs = query.ids.map(itemSeq).filter((n): n is number => n !== undefined);
      const found = seqs.length > 0 ? storage.items(key, { seqs }) : [];
      return found.length > 0 ? found : "item-not-found";
    }
    return storage.items(key, query.maxItems === undefined ? {} : { last: query.maxItems });
  }

  /** Subscribes the actor's own bare JID; anything else is invalid-jid. */
  subscribe(actor: Actor, key: NodeKey, jid: string): { jid: string } | ProgressError {
    const denied = this.checkReader(actor, key) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    this.deps.storage.subscribe(key, actor.jid);
    return { jid: actor.jid };
  }

  unsubscribe(actor: Actor, key: NodeKey, jid: string): true | ProgressError {
    const denied = this.checkReader(actor, key) ?? this.checkOwnJid(actor, jid);
    if (denied) return denied;
    return this.deps.storage.unsubscribe(key, actor.jid) || "not-subscribed";
  }

  /**
   * Publishes a client's event. Rights come from the node's name, before any
   * lookup: a node named for another JID is forbidden whether or not it
   * exists, so no one can squat it or probe for it. Only its enrolled owner
   * creates a node; admins and verifiers with a pass write to existing ones.
   * A refused publisher's payload is never looked at.
   */
  publish(actor: Actor, key: NodeKey, draft: PublishDraft | "invalid-payload"): ProgressItem | ProgressError {
    const isOwner = key.owner === actor.jid;
    const owns = isOwner || this.isAdmin(actor);
    if (!owns && !this.deps.hasPassed(key.owner, key.messageId, actor.domain)) return "forbidden";
    const node = this.deps.storage.node(key);
    if (!node && !(isOwner && this.deps.isEnrolled(actor.jid))) return "item-not-found";
    const event = draftToEvent(draft, this.deps.clock.now(), actor.domain);
    if (typeof event === "string") return event;
    if (!(owns ? OWNER_STAGES : VERIFIER_STAGES).has(event.stage)) return "forbidden";
    return this.append(key, actor.jid, event, !node);
  }

  /** Commits an item (creating the node, owner subscribed, when `create`), then hands it to the broadcaster. */
  append(key: NodeKey, publisher: string, event: ProgressEvent, create = false): ProgressItem {
    const { seq, subscribers } = this.deps.storage.append(key, publisher, event, { create, maxItems: this.maxItems });
    const item = { id: itemId(seq), event };
    this.deps.broadcast(key, item, subscribers);
    return item;
  }

  node(key: NodeKey): StoredNode | undefined {
    return this.deps.storage.node(key);
  }

  /** The node as its owner or an admin may see it; item-not-found for anyone else (disco hides other people's nodes). */
  visibleNode(actor: Actor, key: NodeKey): (StoredNode & { subscribers: number }) | "item-not-found" {
    const node = this.node(key);
    if (!node || (node.owner !== actor.jid && !this.isAdmin(actor))) return "item-not-found";
    return { ...node, subscribers: this.deps.storage.subscribers(key).length };
  }

  ownNodes(jid: string, limit = 100): string[] {
    return this.deps.storage.ownedBy(jid, limit);
  }

  countNodes(): number {
    return this.deps.storage.count();
  }

  /** Removes nodes created more than the retention period ago (§6: nothing a third party does keeps one alive). */
  sweep(): { before: number; removed: number } {
    const before = this.deps.clock.now() - this.deps.retentionMs;
    return { before, removed: this.deps.storage.sweep(before) };
  }

  /** Owner and admins read; anyone else is closed-node, whether the node exists or not (the name says whose it is). */
  private checkReader(actor: Actor, key: NodeKey): ProgressError | undefined {
    if (key.owner !== actor.jid && !this.isAdmin(actor)) return "closed-node";
    return this.node(key) ? undefined : "item-not-found";
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
