/**
 * The part of verification a verifier does alone: find the signature, check
 * the header block (§3.1), parse the signature, check the body hash, and
 * select the header fields to send. None of these needs the network: a
 * message refused here never opens a connection, and the service never sees
 * the body.
 *
 * The report's identity comes from this parse alone (§5.1): header.j and
 * header.k from the signature's j and k, header.from from the message's own
 * (single, §3.1) From field, alignment from the two (§5.2).
 *
 * References: PROTOCOL.md §2, §3 step 3, §3.1, §5 (verifier checks bh, sends
 * the selected fields in h order, raw values), §5.1, §5.2; RFC 6376 §6.1.3.
 */
import { checkHeaderBlock, HASH_FIELD_NAME, parseHashHeader, selectHeaders, splitMessage, type HashHeader, type HeaderField } from "../../signature/index.js";
import { sameOrganization } from "../../protocol/domains.js";
import { firstValue } from "../../signature/signed-fields.js";
import { bareMessageId, fromAddresses } from "../../protocol/mail-address.js";
import { normalizeJid } from "../../protocol/jid.js";
import { addressDomain, printableAddress } from "./report-values.js";
import type { VerifyReport } from "./verify-report.js";

export interface SignatureToAsk {
  header: HashHeader;
  /** j normalized (lower case, A-label domain): what the answer must be about. */
  jid: string;
  /** The selected fields, in h order, with raw (unfolded-by-nobody) values. */
  sent: HeaderField[];
}

export type LocalCheck = { done: VerifyReport } | { ask: SignatureToAsk; partial: VerifyReport };

/**
 * `head` is the header block (with or without the empty line after it).
 * Only the topmost X-XMPP-Hash is checked: it is the one added last, by the
 * sender's signer (an earlier one in a forwarded message is not the sender's).
 */
export function checkLocally(head: Buffer, bodyHash: string): LocalCheck {
  const fields = splitMessage(head).fields;
  const hashField = fields.find((f) => f.name.toLowerCase() === HASH_FIELD_NAME.toLowerCase());
  if (!hashField) return { done: { result: "none", reason: "no-signature" } };
  // §3.1 before the signature is even parsed: a bare CR or a second From
  // would let the signed fields and the displayed ones differ.
  const problem = checkHeaderBlock(head);
  if (problem) return { done: { result: "permerror", reason: problem.reason } };
  const header = parseHashHeader(hashField.value);
  if (typeof header === "string") return { done: { result: "permerror", reason: header } };
  const jid = normalizeJid(header.jid);
  if (!jid) return { done: { result: "permerror", reason: "malformed-signature" } };

  const partial: VerifyReport = { result: "temperror", keyId: header.keyId };
  const shownJid = printableAddress(jid);
  if (shownJid) partial.jid = shownJid;
  const fromAddress = fromAddresses(firstValue(fields, "from") ?? "")[0];
  const shownFrom = fromAddress === undefined ? undefined : printableAddress(fromAddress);
  const fromDomain = fromAddress === undefined ? null : addressDomain(fromAddress);
  if (shownFrom) partial.from = shownFrom;
  if (fromDomain) partial.fromAligned = sameOrganization(fromDomain, addressDomain(jid)!);

  const sent = selectHeaders(header.headerNames, fields).map(({ name, value }) => ({ name, value }));
  const messageId = firstValue(fields, "message-id");
  if (messageId) partial.messageId = bareMessageId(messageId);
  if (bodyHash !== header.bodyHash) return { done: { ...partial, result: "fail", reason: "body-hash-mismatch" } };
  return { ask: { header, jid, sent }, partial };
}
