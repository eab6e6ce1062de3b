/**
 * The part of verification a verifier does alone: find the signature, parse
 * it, check the body hash, and select the header fields to send. A body hash
 * mismatch is a fail without asking anyone: the service never sees the body.
 *
 * References: PROTOCOL.md §2, §3 step 3, §5 (verifier checks bh, sends the
 * selected fields in h order, raw values); RFC 6376 §6.1.3.
 */
import { HASH_FIELD_NAME, parseHashHeader, selectHeaders, type HashHeader, type HeaderField } from "../signature/index.js";
import { firstValue } from "../verification/signed-fields.js";
import { bareMessageId, fromAddresses } from "../verification/from-address.js";
import type { VerifyReport } from "./verify-report.js";

export interface SignatureToAsk {
  header: HashHeader;
  /** The selected fields, in h order, with raw (unfolded-by-nobody) values. */
  sent: HeaderField[];
}

export type LocalCheck = { done: VerifyReport } | { ask: SignatureToAsk; partial: VerifyReport };

/**
 * Only the topmost X-XMPP-Hash is checked: it is the one added last, by the
 * sender's signer (an earlier one in a forwarded message is not the sender's).
 */
export function checkLocally(fields: HeaderField[], bodyHash: string): LocalCheck {
  const hashField = fields.find((f) => f.name.toLowerCase() === HASH_FIELD_NAME.toLowerCase());
  if (!hashField) return { done: { result: "none", reason: "no-signature" } };
  const parsed = parseHashHeader(hashField.value);
  if (!parsed.ok) return { done: { result: "permerror", reason: parsed.reason } };
  const header = parsed.header;
  const sent = selectHeaders(header.headerNames, fields).map(({ name, value }) => ({ name, value }));
  const from = fromAddresses(firstValue(sent, "from") ?? "")[0];
  const messageId = firstValue(sent, "message-id");
  const partial: VerifyReport = {
    result: "temperror",
    jid: header.jid,
    keyId: header.keyId,
    ...(from ? { from } : {}),
    ...(messageId ? { messageId: bareMessageId(messageId) } : {}),
  };
  if (bodyHash !== header.bodyHash) return { done: { ...partial, result: "fail", reason: "body-hash-mismatch" } };
  return { ask: { header, sent }, partial };
}
