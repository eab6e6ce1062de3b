// References: PROTOCOL.md §3.1 (what a message must be), §2 (one
// X-XMPP-Identity); RFC 5322 §2.1.1 (998 octets), §2.2 (field syntax),
// §3.6 (singleton fields); RFC 6532 §3.2 (UTF-8 header values).
import { isUtf8 } from "node:buffer";

export type MessageProblem = "malformed-message" | "duplicate-header";

/**
 * Why a header block is refused: the word a verifier reports, and a sentence
 * a signer shows its user, both found in the one pass that found the fault.
 */
export interface HeaderBlockProblem {
  reason: MessageProblem;
  detail: string;
}

const CR = 0x0d;
const LF = 0x0a;
const HTAB = 0x09;
const SP = 0x20;
const COLON = 0x3a;
const DEL = 0x7f;
export const MAX_LINE_OCTETS = 998;

/** Fields a mail client displays or threads by: RFC 5322 allows one of each. */
const SINGLETONS = ["sender", "reply-to", "subject", "date", "message-id", "x-xmpp-identity"];

/**
 * Checks the header block (everything before the first empty line; the
 * empty line itself and anything after it may be included) before anything
 * is hashed, in one pass over its octets (PROTOCOL.md §3.2). A bare CR or a
 * NUL would let a line-based parser and a mail client read different fields;
 * a repeated From or Subject would let the signed one and the displayed one
 * differ. Malformation is reported before duplication, since a field's name
 * is only known once its octets are sound. `ignore` names fields the caller
 * removes anyway (a signer's old X-XMPP-Identity), lower case: they are not
 * counted at all. A check with nothing to hand back answers `undefined` when
 * the block is sound, otherwise its problem (README, Code layout).
 */
export function checkHeaderBlock(head: Buffer, ignore: ReadonlySet<string> = new Set()): HeaderBlockProblem | undefined {
  const counts = new Map<string, number>();
  let start = 0;
  while (start < head.length) {
    const lf = head.indexOf(LF, start);
    const lineEnd = lf < 0 ? head.length : lf;
    // Only a CR right before an LF is a line end; a CR that ends the block is bare.
    const contentEnd = lf >= 0 && lineEnd > start && head[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (lf >= 0 && contentEnd === start) break; // the empty line: the header block ends here
    if (contentEnd - start > MAX_LINE_OCTETS) return malformed(`a header line is longer than ${MAX_LINE_OCTETS} octets`);
    for (let i = start; i < contentEnd; i++) {
      const byte = head[i]!;
      if (byte === CR) return malformed("a header line holds a bare CR");
      if (byte === 0) return malformed("a header line holds a NUL");
      if ((byte < SP && byte !== HTAB) || byte === DEL) return malformed("a header field holds a control character");
    }
    const continuation = head[start] === SP || head[start] === HTAB;
    if (!continuation) {
      const name = fieldName(head, start, contentEnd);
      if (name !== null && !ignore.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    start = lf < 0 ? head.length : lf + 1;
  }
  // The whole block at once, so that a stray continuation line before the
  // first field is checked too; line ends are ASCII, so no character spans one.
  if (!isUtf8(head.subarray(0, start))) return malformed("a header field is not valid UTF-8");

  const from = counts.get("from") ?? 0;
  if (from !== 1 && !ignore.has("from")) {
    return { reason: "duplicate-header", detail: `the message has ${from} From fields, not exactly one` };
  }
  for (const name of SINGLETONS) {
    if ((counts.get(name) ?? 0) > 1) {
      return { reason: "duplicate-header", detail: `the message has more than one ${name} field` };
    }
  }
  return undefined;
}

/** The lower-cased name of the field starting at `start`, or null for a line without a colon. */
function fieldName(head: Buffer, start: number, contentEnd: number): string | null {
  // Searched within the line only, so a block of colon-less lines stays linear.
  const colon = head.subarray(start, contentEnd).indexOf(COLON);
  if (colon < 0) return null;
  let nameEnd = start + colon;
  // Scanned back by hand: /[ \t]+$/ would rescan a long white-space run (§3.2).
  while (nameEnd > start && (head[nameEnd - 1] === SP || head[nameEnd - 1] === HTAB)) nameEnd--;
  return head.toString("latin1", start, nameEnd).toLowerCase();
}

function malformed(detail: string): HeaderBlockProblem {
  return { reason: "malformed-message", detail };
}
