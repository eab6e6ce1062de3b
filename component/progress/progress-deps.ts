/**
 * What the progress core is given and answers in: its error words, who asks,
 * and the injected storage, broadcaster and cross-feature reads (the wiring
 * passes verification's and the keys' answers in, so the core imports
 * neither feature).
 */
import type { Clock } from "../clock.js";
import type { NodeKey } from "../../protocol/progress-node.js";
import type { ProgressItem } from "../../protocol/progress-event.js";
import type { ProgressStorage } from "./progress-storage.js";

export type ProgressError = "item-not-found" | "closed-node" | "forbidden" | "invalid-payload" | "invalid-jid" | "not-subscribed";

/** Who asks: the bare JID the server stamped, and its domain (verifier rights are per domain). */
export interface ProgressRequester {
  jid: string;
  domain: string;
}

export interface ProgressDeps {
  storage: ProgressStorage;
  clock: Clock;
  /** Bare JIDs, lower case (config.admins). */
  admins: readonly string[];
  isEnrolled(jid: string): Promise<boolean>;
  /** Whether `domain` had a passing verification of `owner`'s message (verification's records). */
  hasPassed(owner: string, messageId: string, domain: string): Promise<boolean>;
  /** Sends a committed item to the subscribers; must not throw. */
  broadcast(key: NodeKey, item: ProgressItem, subscribers: string[]): void;
  retentionMs: number;
  /**
   * Writes the service's own events still queued behind their answers
   * (store/deferred-writes.ts); the core calls it before serving anyone, so
   * no client sees a node or item missing that a verification already made.
   */
  settle?(): Promise<void>;
  maxItems?: number;
  /** How many `rejected` items a node takes an hour; beyond, they are only counted (§6). */
  rejectedPerHour?: number;
}

export const MAX_ITEMS = 100;
export const REJECTED_PER_HOUR = 10;
