/**
 * Signs a message read from a stream and writes it signed: X-XMPP-Hash and
 * X-XMPP-Identity (plus what the caller adds) on top, then the
 * original header block and body byte for byte, in the message's own line
 * ending. Existing X-XMPP-Identity and X-XMPP-Hash fields are removed: fields
 * are selected bottom up, so an old X-XMPP-Identity lower in the message
 * would be the one signed, and one added on top in transit would not be.
 *
 * References: PROTOCOL.md §2, §3, §10; RFC 5322 §2.1, §3.6; RFC 6376 §5.4.
 */
import type { Readable, Writable } from "node:stream";
import { HASH_FIELD_NAME, IDENTITY_FIELD_NAME, type HeaderField } from "../../signature/index.js";
import { spoolBody } from "../message/body-spool.js";
import { defaultHeaderNames, withIdentityOversigned } from "./default-headers.js";
import { readHeaderBlock, type MessageStream } from "../message/header-block.js";
import { REPLACED_FIELDS, requireDateAndMessageId, signableHead } from "./signable.js";
import { foldTagList, refuseOversizedHashField, signFields } from "./sign-fields.js";
import { writeAll } from "../message/write-out.js";

export interface SignerOptions {
  jid: string;
  keyId: string;
  secret: Buffer;
  /** h= as given by the user; the oversigned default list when absent. */
  headerNames?: string[];
  service?: string;
  ip?: string;
  /** Seconds from signing to x=. */
  expireAfter?: number;
  now?: () => number;
}

export { UnsignableMessageError } from "./signable.js";

export interface SignedSummary {
  /** Things done to the message that the user should know about (for stderr). */
  notes: string[];
  /** The header fields as sent, top to bottom (for recipients and the Message-ID). */
  fields: HeaderField[];
}

export interface PreparedSignature extends SignedSummary {
  /** The lines that go on top (X-XMPP-Hash first), in the message's line ending. */
  top: Buffer;
  /** The original header block, less any old X-XMPP-Identity and X-XMPP-Hash fields. */
  head: Buffer;
}

/**
 * Signs a message whose header block was read and whose body was hashed;
 * writes nothing. `addOnTop` are fields the caller adds below X-XMPP-Identity
 * (sendmail's Date and Message-ID); they are signed like the message's own.
 */
export function prepareSignature(message: MessageStream, bodyHash: string, options: SignerOptions, addOnTop: HeaderField[] = []): PreparedSignature {
  const ms = (options.now ?? Date.now)();
  const eol = message.split.lineEnding;
  const { head, kept } = signableHead(message);

  const notes: string[] = [];
  for (const field of message.split.fields.filter((f) => REPLACED_FIELDS.has(f.name.toLowerCase()))) {
    const other = field.name.toLowerCase() === "x-xmpp-identity" && field.value.trim().toLowerCase() !== options.jid.toLowerCase();
    notes.push(`removed an existing ${field.name} field${other ? ` naming ${field.value.trim()}, not the signing identity` : ""}`);
  }
  const added: HeaderField[] = [{ name: IDENTITY_FIELD_NAME, value: ` ${options.jid}` }, ...addOnTop];
  const fields = [...added, ...kept];
  requireDateAndMessageId(fields);
  const signedAt = Math.floor(ms / 1000);
  const value = signFields({
    fields,
    bodyHash,
    jid: options.jid,
    keyId: options.keyId,
    secret: options.secret,
    headerNames: options.headerNames ? withIdentityOversigned(options.headerNames, fields) : defaultHeaderNames(fields),
    signedAt,
    expiresAt: options.expireAfter === undefined ? undefined : signedAt + options.expireAfter,
    service: options.service,
    ip: options.ip,
  });
  const hashField = `${HASH_FIELD_NAME}: ${foldTagList(value, eol)}`;
  // Folding adds octets: the field as written must fit too.
  refuseOversizedHashField(hashField);
  const lines = [hashField, ...added.map((f) => `${f.name}:${f.value}`)];
  return { top: Buffer.from(lines.join(eol) + eol, "utf8"), head, notes, fields: [{ name: HASH_FIELD_NAME, value: ` ${value}` }, ...fields] };
}

/** Reads, signs and writes a message; the body is spooled meanwhile (body-spool.ts). */
export async function signStream(input: Readable | AsyncIterable<Buffer>, output: Writable, options: SignerOptions, end = false): Promise<SignedSummary> {
  const message = await readHeaderBlock(input);
  // Refused before the body is spooled; prepareSignature checks again (sendmail calls it alone).
  requireDateAndMessageId(signableHead(message).kept);
  const body = await spoolBody(message.body);
  try {
    const signed = prepareSignature(message, body.bodyHash, options);
    await writeAll(output, [signed.top, signed.head], false);
    await writeAll(output, body.replay(), end);
    return { notes: signed.notes, fields: signed.fields };
  } finally {
    await body.dispose();
  }
}
