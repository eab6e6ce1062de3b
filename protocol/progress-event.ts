/**
 * Progress events and items as plain data, before any XML and any SQL: the
 * one stage vocabulary of the service's core (what it stores and renders)
 * and of the clients (what they ask to publish).
 *
 * References: PROTOCOL.md §6 (stages, who may publish which), XEP-0060 §7.1 (item ids).
 */

export type Stage = "submitted" | "relayed" | "verified" | "rejected" | "delivered" | "read";

export const STAGES: readonly Stage[] = ["submitted", "relayed", "verified", "rejected", "delivered", "read"];

/** The stages a client ever publishes: its own as owner, or a verifier's subset of them. */
export type OwnerStage = "submitted" | "relayed" | "delivered" | "read";

/** Stages an owner (or admin) may publish; `verified` and `rejected` are the service's alone. */
export const OWNER_STAGES: ReadonlySet<Stage> = new Set<OwnerStage>(["submitted", "relayed", "delivered", "read"]);
/** Stages a verifier with a passing verification of the message may publish. */
export const VERIFIER_STAGES: ReadonlySet<Stage> = new Set<OwnerStage>(["delivered", "read"]);

export interface ProgressEvent {
  stage: Stage;
  /** ms since epoch, always the service's clock (ids and times then agree). */
  at: number;
  /** A domain: the verifier for verified/rejected, else the publisher's domain. */
  by: string;
  reason?: string;
  /** submitted only: how many recipients the sender addressed. */
  recipients?: number;
  /** submitted only: the recipients' domains, lower case; enables replay detection (§5). */
  recipientDomains: string[];
  /** rejected only: how many rejected events the rate limit dropped just before this one. */
  suppressed?: number;
}

/** What a client publishes: the service adds `at` and `by` itself, and recipients mean something on submitted only. */
export interface Publication {
  stage: OwnerStage;
  recipients?: number;
  recipientDomains?: string[];
}

export interface ProgressItem {
  /** Zero-padded counter, monotonic per node: string order is time order. */
  id: string;
  event: ProgressEvent;
}

/** What a client asked to publish, unvalidated: the core decides what is valid. */
export interface PublishDraft {
  stage: string;
  recipients?: string;
  recipientDomains: string[];
}

export const ITEM_ID_DIGITS = 10;

export function itemId(seq: number): string {
  return String(seq).padStart(ITEM_ID_DIGITS, "0");
}

/** The counter behind an item id; undefined for anything we never issued. */
export function itemSeq(id: string): number | undefined {
  return /^\d{10}$/.test(id) ? Number(id) : undefined;
}
