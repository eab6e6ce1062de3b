/**
 * What the progress core needs from storage, as an interface so that the core
 * stays free of SQL (util/pubsub.lua's injected store). The SQLite version is
 * `sqliteProgressStorage` in progress-store.ts.
 */
import type { ProgressEvent, ProgressItem } from "./progress-event.js";

export interface StoredNode {
  /** The bare JID of the signing identity. */
  owner: string;
  createdAt: number;
  /** rejected events dropped by the rate limit since the last rejected item. */
  suppressed: number;
}

export interface ProgressStorage {
  node(messageId: string): StoredNode | undefined;
  /**
   * Appends one item in one transaction (creating the node owned by
   * `createOwner` and subscribing it first, when given), keeps the newest
   * `maxItems`, and returns the item's counter and the subscribers at commit.
   */
  append(
    messageId: string,
    publisher: string,
    event: ProgressEvent,
    options: { createOwner?: string; maxItems: number },
  ): { seq: number; subscribers: string[] };
  /** All items in id order; or the newest `last` in id order; or those with the given counters. */
  items(messageId: string, query: { last?: number; seqs?: number[] }): ProgressItem[];
  subscribe(messageId: string, jid: string): void;
  /** False when the JID was not subscribed. */
  unsubscribe(messageId: string, jid: string): boolean;
  subscribers(messageId: string): string[];
  /** The union of every submitted item's recipient domains. */
  recipientDomains(messageId: string): string[];
  /** Message ids of the nodes `owner` owns, newest first. */
  ownedBy(owner: string, limit: number): string[];
  count(): number;
  /** How many rejected items the node got after `since` (ms). */
  rejectedSince(messageId: string, since: number): number;
  suppressRejected(messageId: string): void;
  /** Removes nodes whose newest item is older than `before` (ms); returns how many. */
  sweep(before: number): number;
}
