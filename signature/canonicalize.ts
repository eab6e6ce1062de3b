// References: RFC 6376 §3.4.2 (relaxed header), §3.4.4 (relaxed body),
// §3.4.5 (empty body); PROTOCOL.md §3 steps 1 and 2, §3.2 (linear time).
import { isWsp, trimWspEnd } from "./fws.js";

const CR = 0x0d;
const LF = 0x0a;

/**
 * Relaxed header canonicalization: `name:value`. Only SP and HTAB are white
 * space here (RFC 6376 §2.8 WSP), so a no-break space or other Unicode space
 * in a value is signed as it is. CR and LF are removed wherever they are,
 * not only in CRLF+WSP folds, because values that crossed XML lost their CRs
 * (PROTOCOL.md §3) and both sides must get the same result. One pass over
 * the value (§3.2): CR and LF are skipped without ending a white-space run, so
 * "a \r\n b" gives "a b", as removing them first and then reducing would.
 */
export function canonicalHeader(name: string, value: string): string {
  return `${trimWspEnd(name).toLowerCase()}:${relaxedValue(value)}`;
}

function relaxedValue(value: string): string {
  const parts: string[] = [];
  let pendingSpace = false;
  let wordStart = -1;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const separator = code === CR || code === LF || isWsp(code);
    if (!separator) {
      if (wordStart < 0) {
        // Inner white space becomes one SP; leading white space vanishes.
        if (pendingSpace && parts.length > 0) parts.push(" ");
        pendingSpace = false;
        wordStart = i;
      }
      continue;
    }
    if (wordStart >= 0) {
      parts.push(value.slice(wordStart, i));
      wordStart = -1;
    }
    if (code !== CR && code !== LF) pendingSpace = true;
  }
  // Trailing white space is dropped: pendingSpace is simply never written.
  if (wordStart >= 0) parts.push(value.slice(wordStart));
  return parts.join("");
}

/**
 * One-shot relaxed body canonicalization, written with string operations on
 * a latin1 view (one char per byte, so 8-bit content passes unchanged). It is
 * deliberately a different implementation from the streaming hasher, so the
 * tests comparing the two compare two readings of the RFC.
 * A lone LF ends a line like CRLF; a lone CR is ordinary content.
 * Its regular expressions are linear (§3.2): /\r?\n/ and / $/ match a fixed
 * length at each position, and /[ \t]+/g consumes a whole run, never giving
 * any back, since nothing follows the repetition in the pattern.
 */
export function canonicalBody(body: Buffer): Buffer {
  const lines = body.toString("latin1").split(/\r?\n/);
  const canonical = lines.map((line) => line.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (canonical.length > 0 && canonical[canonical.length - 1] === "") canonical.pop();
  if (canonical.length === 0) return Buffer.alloc(0);
  return Buffer.from(canonical.join("\r\n") + "\r\n", "latin1");
}
