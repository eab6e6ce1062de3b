/**
 * What verification lets other features read of its records, over the
 * service's store: progress asks who passed a message (verifier rights) and
 * sweeps the seen records with its nodes; stats counts results. The wiring
 * hands these functions on, so no other feature imports verification's store.
 */
import type { VerificationStorage } from "./verification-storage.js";

export interface VerificationRecords {
  /** Whether `verifierDomain` had a passing verification of `jid`'s message. */
  hasPassed(jid: string, messageId: string, verifierDomain: string): Promise<boolean>;
  /** Removes the seen records last touched before `before` (ms); returns how many. */
  sweepSeen(before: number): Promise<number>;
  /** Verifications so far, by result and reason. */
  resultCounts(): Promise<{ result: string; reason: string; n: number }[]>;
}

export function verificationRecords(storage: VerificationStorage): VerificationRecords {
  return {
    hasPassed: (jid, messageId, domain) => storage.hasPassed(jid, messageId, domain),
    sweepSeen: (before) => storage.sweepSeen(before),
    resultCounts: () => storage.resultCounts(),
  };
}
