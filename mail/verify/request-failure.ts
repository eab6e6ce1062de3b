/**
 * What a verifier prints when its verify IQ fails: the temperror reason is
 * the IQ error's defined condition, a word of RFC 6120's and so ours to
 * print, never the service's own text.
 *
 * References: RFC 6120 §8.3.3 (defined conditions); PROTOCOL.md §5.1.
 */

// RFC 6120 §8.3.3: the defined conditions. An IQ error's condition is printed
// as the reason only when it is one of these words, which are ours to print;
// any other element name a service puts in <error/> is a bad answer.
const CONDITIONS = new Set([
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone", "internal-server-error",
  "item-not-found", "jid-malformed", "not-acceptable", "not-allowed", "not-authorized", "policy-violation",
  "recipient-unavailable", "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable", "subscription-required",
  "undefined-condition", "unexpected-request",
]);

/** The temperror reason for a failed verify IQ: its defined condition, `timeout` without one, else bad-answer. */
export function requestFailureReason(err: unknown): string {
  const condition = (err as { condition?: unknown })?.condition;
  if (condition === undefined) return "timeout";
  return typeof condition === "string" && CONDITIONS.has(condition) ? condition : "bad-answer";
}
