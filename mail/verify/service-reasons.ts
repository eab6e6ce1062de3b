/**
 * The service's vocabulary (PROTOCOL.md §5, the service table): the only
 * result words and reasons a verifier takes from an answer. A reason outside
 * it, or a reason on a pass, makes the answer a `bad-answer`.
 *
 * References: PROTOCOL.md §5, §5.1.
 */
import type { VerificationReason, VerificationResult } from "../../component/verification/outcome.js";

type Reasons = Record<VerificationResult, readonly VerificationReason[]>;

// `satisfies` checks each word against the service's own reason types, so a
// misspelt or withdrawn reason fails to compile; a reason the service gains
// must be added here too (until then its answers read as bad-answer).
const TABLE = {
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
} as const satisfies Reasons;

export type ServiceResult = VerificationResult;

/** Whether a result word is one of RFC 8601's four that a service may answer. */
export function isServiceResult(word: string | undefined): word is ServiceResult {
  return word !== undefined && Object.hasOwn(TABLE, word);
}

/** Whether the reason (or its absence) fits the result, by the §5 table. */
export function reasonFits(result: ServiceResult, reason: string | undefined): boolean {
  const allowed: readonly string[] = TABLE[result];
  return result === "pass" ? reason === undefined : reason !== undefined && allowed.includes(reason);
}
