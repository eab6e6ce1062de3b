/**
 * What the signer refuses to sign. A verifier refuses a malformed header
 * block or a second From, Subject, Date... (PROTOCOL.md §3.1), so a signature
 * over one would only mislead; worse, a bare CR or a repeated Subject lets
 * the signed field and the displayed one differ. The header block is checked
 * as it will be signed: after the old X-XMPP-Identity and X-XMPP-Hash fields,
 * which the signer replaces, are removed.
 *
 * References: PROTOCOL.md §2 (h must include from, date, message-id; the
 * signer removes old XSMTP fields), §3.1; RFC 5322 §3.6, §3.6.4.
 */
import { checkHeaderBlock, HASH_FIELD_NAME, IDENTITY_FIELD_NAME, type HeaderField } from "../../signature/index.js";
import { countFields } from "./default-headers.js";
import type { MessageStream } from "../message/header-block.js";
import { removeFields } from "../message/remove-fields.js";

/** A message the signer cannot sign as it is: the caller's input is wrong. */
export class UnsignableMessageError extends Error {}

/** The fields a signer replaces, lower case (PROTOCOL.md §2). */
export const REPLACED_FIELDS: ReadonlySet<string> = new Set([IDENTITY_FIELD_NAME.toLowerCase(), HASH_FIELD_NAME.toLowerCase()]);

export interface SignableHead {
  /** The original header block less the replaced fields, byte for byte otherwise. */
  head: Buffer;
  /** Its fields, top to bottom. */
  kept: HeaderField[];
}

/** Removes the replaced fields and checks what is left (§3.1); throws UnsignableMessageError. */
export function signableHead(message: MessageStream): SignableHead {
  const kept = message.split.fields.filter((f) => !REPLACED_FIELDS.has(f.name.toLowerCase()));
  if (countFields(kept, "from") === 0) throw new UnsignableMessageError("the message has no From field; refusing to sign it");
  const { head } = removeFields(message.head, REPLACED_FIELDS);
  const problem = checkHeaderBlock(head);
  if (problem) throw new UnsignableMessageError(`refusing to sign: ${problem.detail} (${problem.reason}, PROTOCOL.md §3.1)`);
  return { head, kept };
}

/**
 * Date and Message-ID must be signed (§2), so they must exist: `xsmtp sign`
 * is a filter that changes nothing but the XSMTP fields, so it refuses;
 * `xsmtp sendmail` adds them first, as sendmail does. An empty Message-ID
 * (`<>` or white space) names no message: progress and threading need one.
 */
export function requireDateAndMessageId(fields: HeaderField[]): void {
  for (const name of ["Date", "Message-ID"]) {
    if (countFields(fields, name.toLowerCase()) === 0) {
      throw new UnsignableMessageError(`the message has no ${name} field; refusing to sign it (PROTOCOL.md §2 requires it signed; xsmtp sendmail adds one)`);
    }
  }
  for (const field of fields.filter((f) => f.name.toLowerCase() === "message-id")) {
    const id = field.value.replace(/\s+/g, "");
    if (id === "" || id === "<>") throw new UnsignableMessageError("the message's Message-ID field is empty; refusing to sign it");
  }
}
