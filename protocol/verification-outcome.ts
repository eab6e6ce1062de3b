/**
 * The result of one verification as plain data, before any XML: RFC 8601
 * result words and the §5 table of reasons, kept here as data so the
 * service (which answers with them) and the verifier (which takes only
 * these words from an answer, and calls anything else a bad answer) read
 * the one table.
 *
 * References: PROTOCOL.md §5 (the service table), §5.1; RFC 8601 §2.7.1 (result words).
 */

/** §5: the reasons each result may carry; a pass carries none. */
export const REASONS = {
  pass: [],
  fail: ["signature-mismatch", "key-revoked", "key-retired", "signature-expired", "signature-from-future"],
  permerror: [
    "malformed-signature",
    "unsupported-version",
    "unsupported-algorithm",
    "missing-header",
    "identity-mismatch",
    "wrong-service",
    "identity-unknown",
    "key-unknown",
  ],
  temperror: ["service-busy"],
} as const;

export type VerificationResult = keyof typeof REASONS;
export type FailReason = (typeof REASONS.fail)[number];
export type PermerrorReason = (typeof REASONS.permerror)[number];
export type TemperrorReason = (typeof REASONS.temperror)[number];
export type VerificationReason = FailReason | PermerrorReason | TemperrorReason;

export interface Verification {
  result: VerificationResult;
  reason?: VerificationReason;
  /** The signing identity (j=, normalized) once the tag list parsed. */
  jid?: string;
  keyId?: string;
  /** The signed From address and whether the identity may send as it (pass only). */
  from?: { address: string; authorized: boolean };
  /** The signed Message-ID without angle brackets. */
  messageId?: string;
  seen?: { verifications: number; domains: number };
  replaySuspected?: boolean;
}

const resultByReason = new Map<string, VerificationResult>(
  (Object.keys(REASONS) as VerificationResult[]).flatMap((result) => REASONS[result].map((reason) => [reason, result] as const)),
);

/** The RFC 8601 result word that goes with a reason (§5 table). */
export function resultOf(reason: VerificationReason): VerificationResult {
  return resultByReason.get(reason)!;
}

/** Whether a word is one of RFC 8601's four results that a service may answer. */
export function isVerificationResult(word: string | undefined): word is VerificationResult {
  return word !== undefined && Object.hasOwn(REASONS, word);
}

/** Whether the reason (or its absence) fits the result, by the §5 table. */
export function reasonFits(result: VerificationResult, reason: string | undefined): boolean {
  const allowed: readonly string[] = REASONS[result];
  return result === "pass" ? reason === undefined : reason !== undefined && allowed.includes(reason);
}
