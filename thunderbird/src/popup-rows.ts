/**
 * The popup's rows for a verdict, as plain (name, value) text pairs.
 *
 * References: PROTOCOL.md §5 (seen, replay), §5.1, §5.2 (aligned), §7 (enrolled-since).
 */
import type { Verdict } from "./verdict.js";

export function popupRows(verdict: Verdict, enrolledSince?: string): [string, string][] {
  const r = verdict.report;
  const yesNo = (flag: boolean | undefined) => (flag === undefined ? "unknown" : flag ? "yes" : "NO");
  const rows: [string, string][] = [["Result", r.reason ? `${r.result} (${r.reason})` : r.result]];
  if (r.jid) rows.push(["Identity", r.jid]);
  if (r.keyId) rows.push(["Key", r.keyId]);
  if (r.from) rows.push(["From", r.from]);
  if (r.result === "pass") {
    rows.push(["From authorized", yesNo(r.fromAuthorized)], ["From aligned", yesNo(r.fromAligned)]);
    rows.push(["Suspected replay", r.replaySuspected ? "YES" : "no"]);
  }
  if (r.seen) rows.push(["Seen", `${r.seen.verifications} verifications from ${r.seen.domains} domains`]);
  if (enrolledSince) rows.push(["Enrolled since", enrolledSince]);
  if (r.service) rows.push(["Service", r.service]);
  rows.push(["Checked by", verdict.source === "service" ? "your XMPP account" : verdict.source]);
  return rows;
}
