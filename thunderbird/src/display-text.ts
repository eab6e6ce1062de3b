/**
 * The words, badge and icon of the message display action for a verdict:
 * Thunderbird's own toolbar button, never the message body (which a sender
 * controls and could fake). A fail and an unaligned pass are red and shout.
 *
 * References: PROTOCOL.md §5.2, §11; Thunderbird messageDisplayAction API.
 */
import { passProblems, type Verdict } from "./verdict.js";

export interface DisplayText {
  label: string;
  title: string;
  badge: string;
  badgeColor: string;
  icon: string;
}

export function displayText(verdict: Verdict): DisplayText {
  const { report } = verdict;
  const who = report.jid ?? "an unknown identity";
  const via = verdict.source === "service" ? "" : ` (as reported by ${verdict.source})`;
  switch (verdict.state) {
    case "pass":
      return {
        label: `XSMTP pass: ${who}`,
        title: `XSMTP pass: signed by ${who} (key ${report.keyId})${via}`,
        badge: "pass",
        badgeColor: "#1a7f37",
        icon: "icons/pass.svg",
      };
    case "unaligned":
      return {
        label: `XSMTP WARNING: ${who}`,
        title: `XSMTP WARNING: signed by ${who}, but ${passProblems(report).join("; ")}${via}`,
        badge: "WARN",
        badgeColor: "#cf222e",
        icon: "icons/unaligned.svg",
      };
    case "fail":
      return {
        label: `XSMTP FAIL: ${who}`,
        title: `XSMTP FAIL (${report.result}: ${report.reason ?? "no reason"}): claims ${who}${via}`,
        badge: "FAIL",
        badgeColor: "#cf222e",
        icon: "icons/fail.svg",
      };
    case "unsigned":
      return { label: "XSMTP: not signed", title: "XSMTP: not signed (no X-XMPP-Hash)", badge: "none", badgeColor: "#6e7781", icon: "icons/unsigned.svg" };
    case "unknown":
      return {
        label: "XSMTP: could not check",
        title: `XSMTP: could not check ${who} (${report.reason ?? "unknown reason"})${via}`,
        badge: "?",
        badgeColor: "#bf8700",
        icon: "icons/unknown.svg",
      };
  }
}
