/**
 * What verification keeps, as an interface over either store: passing
 * verifications per message and verifier domain (for <seen>, replay and
 * verifier rights) and counters by result. The versions are
 * `sqliteVerificationStorage` (verification-store.ts) and
 * `postgresVerificationStorage` (pg-verification-storage.ts).
 */
import type { VerificationResult } from "../../protocol/verification-outcome.js";

export interface SeenTotals {
  /** Passing verifications of the message, this one included. */
  verifications: number;
  /** Distinct verifier domains among them. */
  domains: number;
}

export interface ResultCount {
  result: VerificationResult | string;
  reason: string;
  n: number;
}

export interface VerificationStorage {
  /** Records one passing verification and returns the message's totals, this one included, exact under concurrent writers. */
  recordPass(jid: string, messageId: string, verifierDomain: string, at: number): Promise<SeenTotals>;
  /** Whether `verifierDomain` had a passing verification of this message (it may then report delivery). */
  hasPassed(jid: string, messageId: string, verifierDomain: string): Promise<boolean>;
  /** Adds counts by result and reason. */
  addCounts(counts: readonly ResultCount[]): Promise<void>;
  resultCounts(): Promise<ResultCount[]>;
  /** Removes the seen records last touched before `before` (ms); returns how many. */
  sweepSeen(before: number): Promise<number>;
}
