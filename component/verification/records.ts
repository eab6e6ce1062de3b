/**
 * What verification lets other features read of its records, over the
 * service's store: progress asks who passed a message (verifier rights) and
 * sweeps the seen records with its nodes; stats counts results. The wiring
 * hands these functions on, so no other feature imports verification's store.
 */
import type { Db } from "../store/database.js";
import { hasPassed, resultCounts, sweepSeen } from "./verification-store.js";

export interface VerificationRecords {
  /** Whether `verifierDomain` had a passing verification of `jid`'s message. */
  hasPassed(jid: string, messageId: string, verifierDomain: string): boolean;
  /** Removes the seen records last touched before `before` (ms); returns how many. */
  sweepSeen(before: number): number;
  /** Verifications so far, by result and reason. */
  resultCounts(): { result: string; reason: string; n: number }[];
}

export function verificationRecords(db: Db): VerificationRecords {
  return {
    hasPassed: (jid, messageId, domain) => hasPassed(db, jid, messageId, domain),
    sweepSeen: (before) => sweepSeen(db, before),
    resultCounts: () => resultCounts(db),
  };
}
