/**
 * Encoders for every response this milter sends, and the checks that keep a
 * policy's values from breaking the framing (a NUL would end a C string early)
 * or being refused by Postfix (a malformed reply code is a configuration error
 * there, and the milter's default action applies).
 *
 * References: Postfix src/milter/milter8.c (milter8_event: SMFIR_REPLYCODE
 * checks and '%' handling, SMFIR_INSHEADER index + 1, SMFIR_CHGHEADER empty
 * value = delete, SMFIR_QUARANTINE; milter8_connect: OPTNEG reply and macro
 * lists); libmilter smfi.c (smfi_insheader, smfi_chgheader, smfi_setreply).
 */
import { encodePacket, nulTerminated, uint32 } from "./milter-codec.js";
import { Response } from "./milter-constants.js";

export interface OptionReply {
  version: number;
  actions: number;
  protocol: number;
  /** Macro names per stage (SMFIM_*), sent only when SETSYMLIST was asked for. */
  macroLists?: Array<{ stage: number; names: string[] }>;
}

export function encodeOptionReply(reply: OptionReply): Buffer {
  const lists = (reply.macroLists ?? []).map(({ stage, names }) => Buffer.concat([uint32(stage), nulTerminated(names.join(" "))]));
  return encodePacket(Response.OPTNEG, Buffer.concat([uint32(reply.version), uint32(reply.actions), uint32(reply.protocol), ...lists]));
}

export const encodeContinue = (): Buffer => encodePacket(Response.CONTINUE);
export const encodeAccept = (): Buffer => encodePacket(Response.ACCEPT);
export const encodeReject = (): Buffer => encodePacket(Response.REJECT);
export const encodeTempfail = (): Buffer => encodePacket(Response.TEMPFAIL);
export const encodeDiscard = (): Buffer => encodePacket(Response.DISCARD);
export const encodeProgress = (): Buffer => encodePacket(Response.PROGRESS);

/** A full SMTP reply such as "550 5.7.1 Forged sender"; check it first with checkReplyCode. */
export function encodeReplyCode(reply: string): Buffer {
  // Postfix turns "%%" into "%" and drops a lone "%" (Sendmail used replies as format strings).
  return encodePacket(Response.REPLYCODE, nulTerminated(reply.replaceAll("%", "%%")));
}

/** Appends a field at the bottom of the header block. */
export function encodeAddHeader(name: string, value: string): Buffer {
  return encodePacket(Response.ADDHEADER, nulTerminated(name, value));
}

/** Inserts a field before the index-th (0 = above every field, Postfix's Received: included). */
export function encodeInsertHeader(index: number, name: string, value: string): Buffer {
  return encodePacket(Response.INSHEADER, Buffer.concat([uint32(index), nulTerminated(name, value)]));
}

/** Replaces the index-th (1-based) field of that name; an empty value deletes it. */
export function encodeChangeHeader(index: number, name: string, value: string): Buffer {
  return encodePacket(Response.CHGHEADER, Buffer.concat([uint32(index), nulTerminated(name, value)]));
}

export function encodeQuarantine(reason: string): Buffer {
  return encodePacket(Response.QUARANTINE, nulTerminated(reason));
}

/**
 * A single-line SMTP reply Postfix accepts: 4xx or 5xx, a space, an enhanced
 * status code of the same class, text. Returns an error or undefined.
 */
export function checkReplyCode(reply: string, expectedClass: "4" | "5"): string | undefined {
  if (reply.length < 4 || !isReplyPrefix(reply, expectedClass)) return `reply must start with ${expectedClass}xx and a space`;
  const status = reply.slice(4).split(" ", 1)[0];
  const parts = status.split(".");
  if (parts.length !== 3 || parts[0] !== expectedClass || !parts.slice(1).every(isDigits)) {
    return `reply needs an enhanced status code ${expectedClass}.x.y after the code`;
  }
  if (hasControl(reply)) return "reply must be one line without control characters";
  return undefined;
}

/** A header field name as RFC 5322 §3.6.8 allows: printable ASCII except colon. */
export function checkHeaderName(name: string): string | undefined {
  if (name.length === 0) return "header name is empty";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126 || c === 58) return `header name ${JSON.stringify(name)} has a character outside printable ASCII or a colon`;
  }
  return undefined;
}

/** A value may be folded (CRLF or LF followed by space or tab) but holds no NUL or bare CR. */
export function checkHeaderValue(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return "header value contains NUL";
    if (c === 13 && value.charCodeAt(i + 1) !== 10) return "header value contains a bare CR";
    if (c === 10 && value.charCodeAt(i + 1) !== 32 && value.charCodeAt(i + 1) !== 9) return "header value has a line break not followed by white space";
  }
  return undefined;
}

function isReplyPrefix(reply: string, expectedClass: string): boolean {
  return reply[0] === expectedClass && isDigits(reply.slice(1, 3)) && reply[3] === " ";
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 48 || text.charCodeAt(i) > 57) return false;
  return true;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 32 || text.charCodeAt(i) === 127) return true;
  return false;
}
