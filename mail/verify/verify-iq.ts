/**
 * The verify request a verifier sends and the `<verification/>` it gets
 * back, the client side of component/verification/verify-adapter.ts.
 *
 * The answer is read strictly (§5.1): the service is an authority on j and
 * k only, so an answer about another identity or key, a result or reason
 * outside the §5 table, or a pass without its `<from authorized>`,
 * `<message-id>` and `<seen>` is not an answer at all. What is taken from a
 * good answer is a result word, a reason from the table and two flags:
 * plain data, none of the service's text, so nothing it sends can reach a
 * header field. Every check is a constant number of child and attribute
 * look-ups, linear in the answer's size.
 *
 * References: PROTOCOL.md §5 (the answer), §5.1 (what the verifier reports),
 * §3.2 (linear parsing); RFC 6120 §8.3.3 (stanza error conditions).
 */
import { xml } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import type { HeaderField } from "../../signature/index.js";
import { NS_XSMTP } from "./discover-service.js";
import { normalizeJid } from "./report-values.js";
import { isServiceResult, reasonFits, type ServiceResult } from "./service-reasons.js";

/** The signature as written (folding and all) and the selected fields' raw values. */
export function verifyPayload(signature: string, sent: HeaderField[]): XmlElement.Element {
  return xml(
    "verify",
    { xmlns: NS_XSMTP },
    xml("signature", {}, signature),
    ...sent.map((f) => xml("header", { name: f.name }, f.value)),
  );
}

export interface ServiceAnswer {
  result: ServiceResult;
  reason?: string;
  /** pass only: the answer's `<from authorized>`. */
  fromAuthorized?: boolean;
  replaySuspected?: boolean;
  /** pass only: the answer's `<seen>` counts, shown by the Thunderbird add-on's popup. */
  seen?: { verifications: number; domains: number };
}

/** A bad answer carries a description in our own words, for the log: never the service's text. */
export type ReadAnswer = { ok: true; answer: ServiceAnswer } | { ok: false; problem: string };

const COUNT = /^[0-9]{1,15}$/;

/**
 * Reads the answer to a verify IQ about `expected.jid` (normalized, see
 * normalizeJid) and `expected.keyId`. A non-pass may omit jid and key (the
 * service had not parsed that far); a pass must name both.
 */
export function readVerification(reply: XmlElement.Element, expected: { jid: string; keyId: string }): ReadAnswer {
  const all = reply.getChildren("verification", NS_XSMTP);
  if (all.length !== 1) return bad(`${all.length} <verification/> elements`);
  const v = all[0]!;
  const { result, reason, jid, key, replay } = v.attrs as Record<string, string | undefined>;
  if (!isServiceResult(result)) return bad("a result outside pass, fail, permerror, temperror");
  if (!reasonFits(result, reason)) return bad(`a reason outside the table for ${result}`);
  if (jid === undefined ? result === "pass" : normalizeJid(jid) !== expected.jid) return bad("an answer about another identity");
  if (key === undefined ? result === "pass" : key !== expected.keyId) return bad("an answer about another key");
  if (replay !== undefined && replay !== "suspected") return bad("a replay attribute other than 'suspected'");
  const answer: ServiceAnswer = { result };
  if (reason !== undefined) answer.reason = reason;
  if (replay === "suspected") answer.replaySuspected = true;
  if (result !== "pass") return { ok: true, answer };

  const from = only(v, "from");
  const authorized = from?.attrs.authorized;
  if (authorized !== "true" && authorized !== "false") return bad("a pass without <from authorized='true|false'>");
  const messageId = only(v, "message-id");
  if (!messageId || messageId.getChildElements().length > 0 || messageId.text().trim() === "") return bad("a pass without <message-id>");
  const seen = only(v, "seen");
  const verifications = seen?.attrs.verifications ?? "";
  const domains = seen?.attrs.domains ?? "";
  if (!COUNT.test(verifications) || !COUNT.test(domains) || Number(domains) < 1 || Number(domains) > Number(verifications)) {
    return bad("a pass without a well-formed <seen verifications domains>");
  }
  answer.fromAuthorized = authorized === "true";
  answer.seen = { verifications: Number(verifications), domains: Number(domains) };
  return { ok: true, answer };
}

/** The one child of that name, or undefined when there is none or more than one. */
function only(parent: XmlElement.Element, name: string): XmlElement.Element | undefined {
  const found = parent.getChildren(name);
  return found.length === 1 ? found[0] : undefined;
}

function bad(problem: string): ReadAnswer {
  return { ok: false, problem };
}

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
