/**
 * What the gateway does with a verified message, as plain data: forged
 * Authentication-Results carrying our authserv-id deleted, ours inserted at
 * the top, and a verdict from the policy: a fail on a message whose From
 * aligns with the signing identity is marked, quarantined or rejected
 * (XSMTP_MILTER_ON_FAIL); a temperror is accepted or deferred
 * (XSMTP_MILTER_ON_TEMPERROR); everything else is marked only, since a
 * permerror or an unaligned From says nothing the sender's domain vouched for.
 *
 * References: RFC 8601 §5 (remove fields with our authserv-id), §2.7;
 * PROTOCOL.md §5.1, §5.2 (alignment), §11 (reject or quarantine an aligned
 * fail); RFC 3463 (5.7.1, 4.7.0); Postfix milter8.c (CHGHEADER indexes).
 */
import type { MilterAction, MilterDecision, MilterHeader, MilterVerdict } from "../milter/index.js";
import { AUTH_RESULTS_FIELD, renderAuthResults } from "../verify/auth-results.js";
import { authservIdOf } from "../verify/own-auth-results.js";
import type { VerifyReport } from "../verify/verify-report.js";
import type { GatewaySettings } from "./gateway-settings.js";

export type Outcome = "marked" | "quarantined" | "rejected" | "deferred";

export interface Verdict {
  decision: MilterDecision;
  outcome: Outcome;
}

export function verifyDecision(report: VerifyReport, headers: readonly MilterHeader[], settings: GatewaySettings): Verdict {
  const actions = [...deleteOwnAuthResults(headers, settings.authservId), authResults(report, settings.authservId)];
  const reason = report.reason ?? report.result;
  if (report.result === "fail" && report.fromAligned === true) {
    if (settings.onFail === "reject") return refused({ type: "reject", reply: `550 5.7.1 XSMTP signature failed (${reason})` }, "rejected");
    if (settings.onFail === "quarantine") {
      actions.push({ type: "quarantine", reason: `XSMTP signature failed (${reason})` });
      return { decision: { actions, verdict: { type: "continue" } }, outcome: "quarantined" };
    }
  }
  if (report.result === "temperror" && settings.onTemperror === "tempfail") {
    return refused({ type: "tempfail", reply: `451 4.7.0 XSMTP verification not possible now (${reason}); try again later` }, "deferred");
  }
  return { decision: { actions, verdict: { type: "continue" } }, outcome: "marked" };
}

/** Incoming mail the gateway does not verify still loses forged fields with our authserv-id. */
export function deleteOwnAuthResults(headers: readonly MilterHeader[], authservId: string): MilterAction[] {
  const ours = authservId.toLowerCase();
  const indexes: number[] = [];
  let index = 0;
  for (const h of headers) {
    if (h.name.toLowerCase() !== AUTH_RESULTS_FIELD.toLowerCase()) continue;
    index++;
    if (authservIdOf(Buffer.concat([Buffer.from(`${h.name}:`), h.raw])) === ours) indexes.push(index);
  }
  // Highest first: deleting field n renumbers the ones below it.
  return indexes.reverse().map((i) => ({ type: "deleteHeader", index: i, name: AUTH_RESULTS_FIELD }));
}

function authResults(report: VerifyReport, authservId: string): MilterAction {
  const field = renderAuthResults(authservId, report, "\r\n");
  return { type: "insertHeader", index: 0, name: AUTH_RESULTS_FIELD, value: field.slice(AUTH_RESULTS_FIELD.length + 1) };
}

function refused(verdict: MilterVerdict, outcome: Outcome): Verdict {
  return { decision: { verdict }, outcome };
}
