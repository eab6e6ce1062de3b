/**
 * The `<verification/>` answer: rendered by the service, read strictly by
 * the verifier (§5.1).
 *
 * The service is an authority on j and k only, so an answer about another
 * identity or key, a result or reason outside the §5 table, or a pass
 * without its `<from authorized>`, `<message-id>` and `<seen>` is not an
 * answer at all. What is taken from a good answer is a result word, a
 * reason from the table and two flags: plain data, none of the service's
 * text, so nothing it sends can reach a header field. Every check is a
 * constant number of child and attribute look-ups, linear in the answer's
 * size.
 *
 * References: PROTOCOL.md §5 (the answer), §5.1 (what the verifier reports), §3.2 (linear parsing).
 */
import xml from "@xmpp/xml";
import { normalizeJid } from "./jid.js";
import { NS_XSMTP } from "./namespaces.js";
import { isVerificationResult, reasonFits, type Verification, type VerificationResult } from "./verification-outcome.js";

export function renderVerification(v: Verification): xml.Element {
  const el = xml("verification", {
    xmlns: NS_XSMTP,
    result: v.result,
    reason: v.reason,
    jid: v.jid,
    key: v.keyId,
    replay: v.replaySuspected ? "suspected" : undefined,
  });
  if (v.result !== "pass") return el;
  el.append(xml("from", { authorized: String(v.from!.authorized) }, v.from!.address));
  el.append(xml("message-id", {}, v.messageId!));
  el.append(xml("seen", { verifications: String(v.seen!.verifications), domains: String(v.seen!.domains) }));
  return el;
}

export interface ServiceAnswer {
  result: VerificationResult;
  reason?: string;
  /** pass only: the answer's `<from authorized>`. */
  fromAuthorized?: boolean;
  replaySuspected?: boolean;
  /** pass only: the answer's `<seen>` counts (the Thunderbird add-on's popup shows them). */
  seen?: { verifications: number; domains: number };
}

/**
 * The answer, or what is wrong with it: a description in our own words, for
 * the log, never the service's text (a result or a plain error, README).
 */
export type ReadAnswer = ServiceAnswer | string;

const COUNT = /^[0-9]{1,15}$/;

/**
 * Reads the answer to a verify IQ about `expected.jid` (normalized, see
 * normalizeJid) and `expected.keyId`. A non-pass may omit jid and key (the
 * service had not parsed that far); a pass must name both.
 */
export function readVerification(reply: xml.Element, expected: { jid: string; keyId: string }): ReadAnswer {
  const all = reply.getChildren("verification", NS_XSMTP);
  if (all.length !== 1) return `${all.length} <verification/> elements`;
  const v = all[0]!;
  const { result, reason, jid, key, replay } = v.attrs as Record<string, string | undefined>;
  if (!isVerificationResult(result)) return "a result outside pass, fail, permerror, temperror";
  if (!reasonFits(result, reason)) return `a reason outside the table for ${result}`;
  if (jid === undefined ? result === "pass" : normalizeJid(jid) !== expected.jid) return "an answer about another identity";
  if (key === undefined ? result === "pass" : key !== expected.keyId) return "an answer about another key";
  if (replay !== undefined && replay !== "suspected") return "a replay attribute other than 'suspected'";
  const answer: ServiceAnswer = { result };
  if (reason !== undefined) answer.reason = reason;
  if (replay === "suspected") answer.replaySuspected = true;
  if (result !== "pass") return answer;

  const from = only(v, "from");
  const authorized = from?.attrs.authorized;
  if (authorized !== "true" && authorized !== "false") return "a pass without <from authorized='true|false'>";
  const messageId = only(v, "message-id");
  if (!messageId || messageId.getChildElements().length > 0 || messageId.text().trim() === "") return "a pass without <message-id>";
  const seen = only(v, "seen");
  const verifications = seen?.attrs.verifications ?? "";
  const domains = seen?.attrs.domains ?? "";
  if (!COUNT.test(verifications) || !COUNT.test(domains) || Number(domains) < 1 || Number(domains) > Number(verifications)) {
    return "a pass without a well-formed <seen verifications domains>";
  }
  answer.fromAuthorized = authorized === "true";
  answer.seen = { verifications: Number(verifications), domains: Number(domains) };
  return answer;
}

/** The one child of that name, or undefined when there is none or more than one. */
function only(parent: xml.Element, name: string): xml.Element | undefined {
  const found = parent.getChildren(name);
  return found.length === 1 ? found[0] : undefined;
}
