/**
 * The verification IQ on the wire: parses `<verify/>`, asks the core, renders
 * `<verification/>`. A signature that does not check out is a result, never
 * an IQ error; IQ errors are for requests that are not verification requests
 * at all, and for the rate limit. Domain errors map through one table.
 *
 * References: PROTOCOL.md §5; RFC 6120 §8.3.3 (bad-request, resource-constraint).
 */
import xml from "@xmpp/xml";
import type { HeaderField } from "../signature/index.js";
import { stanzaError, type WireError } from "../xmpp/stanza-error.js";
import type { Verification } from "./outcome.js";

export const NS_XSMTP = "urn:xmpp:xsmtp:0";

export type VerifyRequestError = "not-a-verification-request" | "rate-limited";

export const wireErrors: Record<VerifyRequestError, WireError> = {
  "not-a-verification-request": ["modify", "bad-request"],
  "rate-limited": ["wait", "resource-constraint"],
};

export function verifyRequestError(error: VerifyRequestError): xml.Element {
  return stanzaError(wireErrors[error]);
}

/** Text content of an element that must hold text only; null if it has child elements. */
function textOnly(el: xml.Element): string | null {
  return el.getChildElements().length > 0 ? null : el.text();
}

export function parseVerify(payload: xml.Element): { signature: string; headers: HeaderField[] } | VerifyRequestError {
  const signatures = payload.getChildren("signature");
  if (signatures.length !== 1) return "not-a-verification-request";
  const signature = textOnly(signatures[0]!);
  if (signature === null || signature.trim() === "") return "not-a-verification-request";
  const headers: HeaderField[] = [];
  for (const el of payload.getChildren("header")) {
    const name = el.attrs.name;
    const value = textOnly(el);
    if (!name || value === null) return "not-a-verification-request";
    headers.push({ name, value });
  }
  return { signature, headers };
}

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
