// References: RFC 5322 §2.1 (header and body), §2.2 (header fields), §2.2.3
// (folding); PROTOCOL.md §3.2 (linear time).
import { trimWspEnd } from "./fws.js";

export interface MessageField {
  name: string;
  /** Everything after the first colon, folding kept (canonicalization removes it). */
  value: string;
  /** The whole field as written, without its final line ending. */
  raw: string;
}

export interface SplitMessage {
  fields: MessageField[];
  /** Where the body starts: just after the empty line, or the end if there is none. */
  bodyOffset: number;
  lineEnding: "\r\n" | "\n";
}

/**
 * Splits a message into header fields and the body offset, reading only the
 * header block, so a large body is never copied. Messages may use LF line
 * ends (mail handed over by a local program). The header block is decoded as
 * UTF-8 (RFC 6532), because header values are text that will also travel in
 * XML. A line that is neither a field nor a continuation is skipped: it
 * cannot be signed by name anyway.
 */
export function splitMessage(raw: Buffer): SplitMessage {
  const firstLf = raw.indexOf(0x0a);
  const lineEnding = firstLf > 0 && raw[firstLf - 1] === 0x0d ? "\r\n" : "\n";
  const lines: string[] = [];
  let start = 0;
  let bodyOffset = raw.length;
  while (start < raw.length) {
    const lf = raw.indexOf(0x0a, start);
    const end = lf < 0 ? raw.length : lf;
    const contentEnd = end > start && raw[end - 1] === 0x0d ? end - 1 : end;
    const next = lf < 0 ? raw.length : lf + 1;
    if (contentEnd === start) {
      bodyOffset = next;
      break;
    }
    lines.push(raw.toString("utf8", start, contentEnd));
    start = next;
  }
  return { fields: joinFields(lines, lineEnding), bodyOffset, lineEnding };
}

function joinFields(lines: string[], lineEnding: string): MessageField[] {
  const fields: MessageField[] = [];
  let current: string | null = null;
  const flush = (): void => {
    if (current === null) return;
    const colon = current.indexOf(":");
    if (colon > 0) {
      fields.push({ name: trimWspEnd(current.slice(0, colon)), value: current.slice(colon + 1), raw: current });
    }
    current = null;
  };
  for (const line of lines) {
    const continuation = line.startsWith(" ") || line.startsWith("\t");
    if (continuation && current !== null) {
      current += lineEnding + line;
      continue;
    }
    flush();
    if (!continuation) current = line;
  }
  flush();
  return fields;
}
