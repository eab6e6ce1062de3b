/**
 * The result of one verification as plain data (PROTOCOL.md §5), before any
 * XML: RFC 8601 result words and the reasons of the §5 table.
 */

export type VerificationResult = "pass" | "fail" | "permerror" | "temperror";

export type FailReason =
  | "signature-mismatch"
  | "key-revoked"
  | "key-retired"
  | "signature-expired"
  | "signature-from-future";

export type PermerrorReason =
  | "malformed-signature"
  | "unsupported-version"
  | "unsupported-algorithm"
  | "missing-header"
  | "identity-mismatch"
  | "wrong-service"
  | "identity-unknown"
  | "key-unknown";

export type TemperrorReason = "service-busy";

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

const failReasons = new Set<VerificationReason>([
  "signature-mismatch",
  "key-revoked",
  "key-retired",
  "signature-expired",
  "signature-from-future",
]);

/** The RFC 8601 result word that goes with a reason (§5 table). */
export function resultOf(reason: VerificationReason): VerificationResult {
  if (reason === "service-busy") return "temperror";
  return failReasons.has(reason) ? "fail" : "permerror";
}
