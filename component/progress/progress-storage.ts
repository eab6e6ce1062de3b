/**
 * What the progress core needs from storage, as an interface so that the core
 * stays free of SQL (util/pubsub.lua's injected store). The versions are
 * `sqliteProgressStorage` (sqlite-progress-storage.ts) and
 * `postgresProgressStorage` (pg-progress-storage.ts); every method is async. Every node is addressed by its
 * key, (owner, Message-ID), never by the Message-ID alone: another identity's
 * node for the same Message-ID is another node.
 */
import type { NodeKey } from "../../protocol/progress-node.js";
import type { ProgressEvent, ProgressItem } from "../../protocol/progress-event.js";

export interface StoredNode {
  /** The bare JID of the signing identity. */
  owner: string;
  createdAt: number;
  /** rejected events dropped by the rate limit since the last rejected item. */
  suppressed: number;
}

export interface ProgressStorage {
  node(key: NodeKey): Promise<StoredNode | undefined>;
  /**
   * Appends one item in one transaction (creating the node and subscribing
   * its owner first, when `create` is set), keeps the newest `maxItems`, and
   * returns the item's counter and the subscribers at commit.
   */
  append(
    key: NodeKey,
    publisher: string,
    event: ProgressEvent,
    options: { create?: boolean; maxItems: number },
  ): Promise<{ seq: number; subscribers: string[] }>;
  /** All items in id order; or the newest `last` in id order; or those with the given counters. */
  items(key: NodeKey, query: { last?: number; seqs?: number[] }): Promise<ProgressItem[]>;
  subscribe(key: NodeKey, jid: string): Promise<void>;
  /** False when the JID was not subscribed. */
  unsubscribe(key: NodeKey, jid: string): Promise<boolean>;
  subscribers(key: NodeKey): Promise<string[]>;
  /** The union of every submitted item's recipient domains. */
  recipientDomains(key: NodeKey): Promise<string[]>;
  /** Message ids of the nodes `owner` owns, newest first. */
  ownedBy(owner: string, limit: number): Promise<string[]>;
  count(): Promise<number>;
  /** How many rejected items the node got after `since` (ms). */
  rejectedSince(key: NodeKey, since: number): Promise<number>;
  suppressRejected(key: NodeKey): Promise<void>;
  /** Removes nodes created before `before` (ms); returns how many. */
  sweep(before: number): Promise<number>;
}
