/**
 * What the add-on shows for one message, derived from the shared verifier's
 * report (mail/verify/verify-report.ts) or from a trusted
 * Authentication-Results field. Five states, so that the button can never
 * make a failed or misaligned message look like a pass:
 *
 *   pass       the service said pass, From is authorized and aligned, no replay flag
 *   unaligned  a pass, but From is not the identity's to use (not authorized or not
 *              aligned, PROTOCOL.md §5.2), or the service suspects a replay (§5)
 *   fail       fail or permerror: the signature does not hold
 *   unsigned   no X-XMPP-Hash
 *   unknown    temperror, or no way to check (no account, no trusted authserv-id)
 *
 * References: PROTOCOL.md §5, §5.1, §5.2, §11; RFC 8601 §2.7.
 */
import type { VerifyReport } from "../../mail/verify/verify-report.js";

export type VerdictState = "pass" | "unaligned" | "fail" | "unsigned" | "unknown";

export interface Verdict {
  state: VerdictState;
  report: VerifyReport;
  /** "service" when asked over XMPP, else the authserv-id whose Authentication-Results were trusted. */
  source: string;
  checkedAt: number;
}

export function stateOf(report: VerifyReport): VerdictState {
  switch (report.result) {
    case "none":
      return "unsigned";
    case "temperror":
      return "unknown";
    case "fail":
    case "permerror":
      return "fail";
    case "pass":
      return report.fromAuthorized === true && report.fromAligned === true && !report.replaySuspected ? "pass" : "unaligned";
  }
}

export function verdictOf(report: VerifyReport, source: string, now = Date.now()): Verdict {
  return { state: stateOf(report), report, source, checkedAt: now };
}

/** A temperror may clear up (server back, account fixed): it is shown but not kept. */
export function worthCaching(verdict: Verdict): boolean {
  return verdict.state !== "unknown";
}

/** Why a pass is not a full pass, in words, for the title and the popup. */
export function passProblems(report: VerifyReport): string[] {
  const problems: string[] = [];
  if (report.fromAuthorized !== true) problems.push(`From ${report.from ?? "(none)"} is not authorized for ${report.jid}`);
  if (report.fromAligned !== true) problems.push(`From ${report.from ?? "(none)"} is not aligned with ${report.jid}`);
  if (report.replaySuspected) problems.push("the service suspects a replay");
  return problems;
}
