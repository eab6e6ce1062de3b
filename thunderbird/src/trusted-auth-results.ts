/**
 * The mode without an XMPP account: trust the `xsmtp=` result that a
 * receiving server of the reader's own organisation wrote into
 * Authentication-Results (`xsmtp verify --add-header`, or the milter), for
 * the authserv-ids the reader or admin configured. Such a server removes
 * fields carrying its authserv-id before adding its own (RFC 8601 §5), so
 * the topmost one with a trusted id is that server's. Fields of any other
 * authserv-id are ignored: a sender can write anything there.
 *
 * One forward scan per field (no backtracking), as PROTOCOL.md §3.2 asks of
 * every parser.
 *
 * References: RFC 8601 §2.2 (grammar), §5 (removal), §7.1 (trust);
 * PROTOCOL.md §5.1 (properties).
 */
import { authservIdOf } from "../../mail/verify/own-auth-results.js";
import type { ReportResult, VerifyReport } from "../../mail/verify/verify-report.js";
import { splitMessage } from "../../signature/index.js";

const RESULTS = new Set<ReportResult>(["pass", "fail", "permerror", "temperror", "none"]);

/** The trusted report and the authserv-id that wrote it, or null when no trusted field has an xsmtp result. */
export function trustedReport(head: Buffer, trusted: string[]): { report: VerifyReport; authservId: string } | null {
  if (trusted.length === 0) return null;
  for (const field of splitMessage(head).fields) {
    const id = authservIdOf(Buffer.from(field.raw, "latin1"));
    if (id === null || !trusted.includes(id)) continue;
    const report = xsmtpResult(field.value);
    if (report) return { report, authservId: id };
  }
  return null;
}

/** The xsmtp resinfo of an Authentication-Results value, read into a report. */
export function xsmtpResult(value: string): VerifyReport | null {
  const [, ...resinfos] = splitOutside(stripComments(value), ";");
  for (const resinfo of resinfos) {
    const [method, ...properties] = splitOutside(resinfo, " \t\r\n").filter(Boolean);
    const [name, result] = pair(method ?? "");
    if (name !== "xsmtp" || !RESULTS.has(result as ReportResult)) continue;
    const report: VerifyReport = { result: result as ReportResult };
    for (const property of properties) {
      const [key, raw] = pair(property);
      const text = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      if (key === "reason") report.reason = text;
      else if (key === "header.j") report.jid = text;
      else if (key === "header.k") report.keyId = text;
      else if (key === "header.from") report.from = text;
      else if (key === "policy.from-authorized") report.fromAuthorized = text === "yes";
      else if (key === "policy.from-aligned") report.fromAligned = text === "yes";
      else if (key === "policy.replay") report.replaySuspected = text === "suspected";
    }
    return report;
  }
  return null;
}

function pair(token: string): [string, string] {
  const eq = token.indexOf("=");
  return eq < 0 ? [token.toLowerCase(), ""] : [token.slice(0, eq).trim().toLowerCase(), token.slice(eq + 1).trim()];
}

/** Drops (nested) comments outside quoted strings. */
function stripComments(text: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && (quoted || depth > 0)) {
      if (depth === 0) out += c + (text[i + 1] ?? "");
      i++;
    } else if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === "(") depth++;
    else if (!quoted && depth > 0 && c === ")") depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Splits at any of `separators` outside quoted strings. */
function splitOutside(text: string, separators: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && separators.includes(c)) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
