/**
 * The verification IQ's errors. The request is parsed and the answer
 * rendered by protocol/ (verify-request.ts, verification-answer.ts), which
 * the verifier shares; what stays here is the service's own decision: a
 * signature that does not check out is a result, never an IQ error; IQ
 * errors are for requests that are not verification requests at all, and
 * for the rate limit. Domain errors map through one table.
 *
 * References: PROTOCOL.md §3.2 (limits), §5; RFC 6120 §8.3.3 (bad-request, resource-constraint).
 */
import type xml from "@xmpp/xml";
import { stanzaError, type WireError } from "../xmpp/stanza-error.js";

export type VerifyRequestError = "not-a-verification-request" | "rate-limited";

export const wireErrors: Record<VerifyRequestError, WireError> = {
  "not-a-verification-request": ["modify", "bad-request"],
  "rate-limited": ["wait", "resource-constraint"],
};

export function verifyRequestError(error: VerifyRequestError): xml.Element {
  return stanzaError(wireErrors[error]);
}
