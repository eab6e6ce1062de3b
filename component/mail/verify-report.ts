/**
 * What a verification concluded, as plain data: the RFC 8601 result word,
 * a reason, and what the signature and the service said. Rendered as an
 * Authentication-Results field and as an exit code.
 *
 * References: RFC 8601 §2.7 (result values), PROTOCOL.md §5 (reasons).
 */

export type ReportResult = "pass" | "fail" | "permerror" | "temperror" | "none";

export interface VerifyReport {
  result: ReportResult;
  /** A §5 reason, or one of the verifier's own: body-hash-mismatch, no-signature, no-service, ... */
  reason?: string;
  jid?: string;
  keyId?: string;
  /** The signed From address. */
  from?: string;
  /** Whether the identity may send as that From address (from the service, on pass). */
  fromAuthorized?: boolean;
  replaySuspected?: boolean;
  messageId?: string;
  service?: string;
}

/** 0 pass, 1 fail, 2 permerror or no signature, 3 temperror. */
export function exitCodeOf(result: ReportResult): number {
  return { pass: 0, fail: 1, permerror: 2, none: 2, temperror: 3 }[result];
}
