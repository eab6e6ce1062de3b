/**
 * Removes the Authentication-Results fields that carry our own authserv-id
 * from a header block before the verifier adds its own: a field with our
 * name that we did not write is a forgery (or a stale copy) that a later
 * filter would trust. Fields of other authserv-ids are kept byte for byte.
 *
 * The authserv-id is the first token of the value after CFWS (white space,
 * folding and comments, which nest), or a quoted-string; it is compared
 * case-insensitively. One forward scan, no regular expression, so a hostile
 * header block of nested comments costs linear time.
 *
 * References: RFC 8601 §5 (removal), §2.2 (grammar), §2.5 (authserv-id);
 * RFC 5322 §3.2.2 (CFWS), §3.2.4 (quoted-string).
 */
import { AUTH_RESULTS_FIELD } from "./auth-results.js";

const LF = 0x0a;
const NAME = AUTH_RESULTS_FIELD.toLowerCase();

/** The header block without our own Authentication-Results fields (same bytes otherwise). */
export function removeOwnAuthResults(head: Buffer, authservId: string): Buffer {
  const ours = authservId.toLowerCase();
  const kept: Buffer[] = [];
  for (let start = 0; start < head.length; ) {
    const end = fieldEnd(head, start);
    const field = head.subarray(start, end);
    if (authservIdOf(field) !== ours) kept.push(field);
    start = end;
  }
  return Buffer.concat(kept);
}

/** The offset after a field and its continuation lines (or after one empty line). */
function fieldEnd(head: Buffer, start: number): number {
  let end = lineEnd(head, start);
  if (isEmptyLine(head.subarray(start, end))) return end;
  while (end < head.length && (head[end] === 0x20 || head[end] === 0x09)) end = lineEnd(head, end);
  return end;
}

function lineEnd(head: Buffer, from: number): number {
  const lf = head.indexOf(LF, from);
  return lf < 0 ? head.length : lf + 1;
}

function isEmptyLine(line: Buffer): boolean {
  return line.length === 0 || line[0] === LF || (line[0] === 0x0d && line[1] === LF);
}

/** The lower-cased authserv-id of an Authentication-Results field, or null for any other field. */
export function authservIdOf(field: Buffer): string | null {
  const text = field.toString("latin1");
  const colon = text.indexOf(":");
  if (colon < 0 || text.slice(0, colon).trimEnd().toLowerCase() !== NAME) return null;
  let i = skipCfws(text, colon + 1);
  if (text[i] === '"') {
    let id = "";
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === "\\") i++;
      if (i < text.length && text[i] !== "\r" && text[i] !== "\n") id += text[i];
    }
    return id.toLowerCase();
  }
  const from = i;
  while (i < text.length && !" \t\r\n;(\"".includes(text[i]!)) i++;
  return text.slice(from, i).toLowerCase();
}

/** Skips white space, line ends and (nested) comments with quoted-pairs. */
function skipCfws(text: string, from: number): number {
  let depth = 0;
  let i = from;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (depth > 0 && c === "\\") i++;
    else if (c === "(") depth++;
    else if (depth > 0 && c === ")") depth--;
    else if (depth === 0 && c !== " " && c !== "\t" && c !== "\r" && c !== "\n") break;
  }
  return i;
}
