/**
 * Signs an outgoing message for the milter: the same signer as `xsmtp sign`
 * (§3.1 refusals, §10's list oversigned), turned into header edits. Old
 * X-XMPP-Identity and X-XMPP-Hash fields are deleted (highest index first,
 * since CHGHEADER counts fields of one name), then X-XMPP-Hash,
 * X-XMPP-Identity and any Date or Message-ID the gateway had to add are
 * inserted at index 0, above every signed field, in that order from the top.
 *
 * References: PROTOCOL.md §2 (ip=, the signer removes old fields), §3, §3.1,
 * §10 (on top, oversigned); RFC 5322 §3.6 (Date, Message-ID);
 * Postfix milter8.c (INSHEADER index 0 is the top, CHGHEADER indexes).
 */
import { isIP } from "node:net";
import { HASH_FIELD_NAME, splitMessage } from "../../signature/index.js";
import { bareMessageId } from "../../protocol/mail-address.js";
import type { MilterAction, MilterDecision } from "../milter/index.js";
import { missingFields } from "../message/added-fields.js";
import { foldTagList } from "../sign/sign-fields.js";
import { prepareSignature } from "../sign/sign-stream.js";
import { REPLACED_FIELDS } from "../sign/signable.js";
import type { GatewayKey } from "./gateway-ports.js";

export interface SignInput {
  /** The header block with CRLF line ends (message-view.ts). */
  head: Buffer;
  bodyHash: string;
  jid: string;
  key: GatewayKey;
  /** The SMTP client's address, for ip= (left out unless it is an IP address). */
  clientAddress?: string;
  now: number;
}

export interface Signed {
  decision: MilterDecision;
  /** Without angle brackets: the progress node's name part. */
  messageId: string;
  /** What the gateway added besides the XSMTP fields (for the log). */
  notes: string[];
}

/** Throws UnsignableMessageError (from the signer) for a message §3.1 refuses. */
export function signDecision(input: SignInput): Signed {
  const split = splitMessage(input.head);
  const domain = input.jid.slice(input.jid.indexOf("@") + 1);
  const added = missingFields(split.fields, input.now, domain);
  const ip = input.clientAddress && isIP(input.clientAddress) ? input.clientAddress : undefined;
  const prepared = prepareSignature(
    { head: input.head, split, body: (async function* () {})() },
    input.bodyHash,
    { jid: input.jid, keyId: input.key.keyId, secret: input.key.secret, ip, now: () => input.now },
    added.fields,
  );
  // fields: X-XMPP-Hash (unfolded), X-XMPP-Identity, the added ones, then the message's own.
  const [hash, ...rest] = prepared.fields;
  const top = [{ name: HASH_FIELD_NAME, value: ` ${foldTagList(hash!.value.trim(), "\r\n")}` }, ...rest.slice(0, 1 + added.fields.length)];
  const actions: MilterAction[] = [];
  for (const name of REPLACED_FIELDS) {
    const present = split.fields.filter((f) => f.name.toLowerCase() === name);
    for (let index = present.length; index >= 1; index--) actions.push({ type: "deleteHeader", index, name: present[0]!.name });
  }
  for (const field of [...top].reverse()) actions.push({ type: "insertHeader", index: 0, name: field.name, value: field.value });
  const messageIdField = prepared.fields.find((f) => f.name.toLowerCase() === "message-id");
  return {
    decision: { actions, verdict: { type: "continue" } },
    messageId: bareMessageId(messageIdField!.value),
    notes: [...added.notes, ...prepared.notes],
  };
}

/** The recipient domains of the envelope (RCPT TO), lower case, each once: what `submitted` publishes. */
export function recipientDomains(recipients: readonly string[]): string[] {
  const domains = recipients.map((r) => r.slice(r.lastIndexOf("@") + 1).toLowerCase()).filter((d) => d.length > 0);
  return [...new Set(domains)];
}
