/**
 * Renders a verification as an Authentication-Results header field:
 *
 *   Authentication-Results: mx.other.org; xsmtp=pass header.j=alice@example.org
 *    header.k=laptop header.from=alice@example.org policy.from-authorized=yes
 *
 * Choices (method "xsmtp" is not IANA-registered, so its properties are ours):
 * header.j and header.k name tags of the X-XMPP-Hash header field, as DKIM's
 * header.d and header.s name tags of DKIM-Signature (RFC 8601 §2.7.1);
 * header.from is the signed From address; the service's judgements, which
 * are not header contents, use the "policy" ptype: policy.from-authorized
 * (yes/no, the service's answer), policy.from-aligned (yes/no, computed by
 * the verifier, PROTOCOL.md §5.2) and policy.replay=suspected. The reason is
 * always a quoted-string.
 *
 * Every value here is the verifier's own (report-values.ts: ASCII, A-label
 * domains) or a word of the §5 tables, so the field is ASCII. A property
 * that would still make a line longer than 998 octets is left out rather
 * than written: a shorter report beats a header field mail software drops.
 *
 * References: RFC 8601 §2.2 (grammar), §2.3 (authserv-id), §2.7 (results),
 * §2.7.1 (DKIM properties); RFC 2045 §5.1 (token, quoted-string); RFC 5322
 * §2.1.1 (998 octets); PROTOCOL.md §5.1, §5.2.
 */
import type { VerifyReport } from "./verify-report.js";

export const AUTH_RESULTS_FIELD = "Authentication-Results";

export function renderAuthResults(authservId: string, report: VerifyReport, lineEnding = "\r\n"): string {
  const parts = [`xsmtp=${report.result}`];
  if (report.reason) parts.push(`reason=${quoted(report.reason)}`);
  if (report.jid) parts.push(`header.j=${pvalue(report.jid)}`);
  if (report.keyId) parts.push(`header.k=${pvalue(report.keyId)}`);
  if (report.from) parts.push(`header.from=${pvalue(report.from)}`);
  if (report.fromAuthorized !== undefined) parts.push(`policy.from-authorized=${yesNo(report.fromAuthorized)}`);
  if (report.fromAligned !== undefined) parts.push(`policy.from-aligned=${yesNo(report.fromAligned)}`);
  if (report.replaySuspected) parts.push("policy.replay=suspected");
  const start = `${AUTH_RESULTS_FIELD}: ${authservId};`;
  return start + fold(parts.filter((p) => p.length <= MAX_PART), lineEnding, start.length);
}

// A part too long for the first line is folded onto a line of its own: " " + part.
const MAX_PART = 998 - 1;

const yesNo = (flag: boolean): string => (flag ? "yes" : "no");

/** Folds before a part when the line would pass 78 characters (RFC 5322 §2.1.1). */
function fold(parts: string[], lineEnding: string, used: number): string {
  let out = "";
  let width = used;
  for (const part of parts) {
    if (width + 1 + part.length > 78) {
      out += `${lineEnding} ${part}`;
      width = 1 + part.length;
    } else {
      out += ` ${part}`;
      width += 1 + part.length;
    }
  }
  return out;
}

// RFC 2045 token: printable ASCII without SPACE or tspecials.
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`{|}~-]+$/;
// RFC 8601 pvalue's "[local-part] @ domain-name" alternative, dot-atom only.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

function pvalue(text: string): string {
  return TOKEN.test(text) || ADDRESS.test(text) ? text : quoted(text);
}

// Controls and non-ASCII are dropped: belt and braces, the values are ASCII already.
function quoted(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]/g, "").replace(/(["\\])/g, "\\$1")}"`;
}
