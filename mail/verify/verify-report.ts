/**
 * What a verification concluded, as plain data: the RFC 8601 result word,
 * a reason, and what the verifier parsed itself (§5.1). Rendered as an
 * Authentication-Results field and as an exit code.
 *
 * References: RFC 8601 §2.7 (result values), PROTOCOL.md §5 (reasons), §5.1, §5.2.
 */

export type ReportResult = "pass" | "fail" | "permerror" | "temperror" | "none";

export interface VerifyReport {
  result: ReportResult;
  /** A §5 reason, or one of the verifier's own: body-hash-mismatch, no-signature, no-service, ... */
  reason?: string;
  /** The signature's j, normalized and printable (report-values.ts). */
  jid?: string;
  keyId?: string;
  /** The message's From address, printable (report-values.ts). */
  from?: string;
  /** Whether the identity may send as the From address (the service's answer, on pass only). */
  fromAuthorized?: boolean;
  /** Whether From's and j's domains share an organizational domain (§5.2; computed by the verifier). */
  fromAligned?: boolean;
  replaySuspected?: boolean;
  /** pass only: how often, from how many domains, the service saw this message verified (§5 `<seen>`); never printed in a header. */
  seen?: { verifications: number; domains: number };
  /** The message's own Message-ID, without angle brackets. */
  messageId?: string;
  service?: string;
}

/** 0 pass, 1 fail, 2 permerror or no signature, 3 temperror. */
export function exitCodeOf(result: ReportResult): number {
  return { pass: 0, fail: 1, permerror: 2, none: 2, temperror: 3 }[result];
}
