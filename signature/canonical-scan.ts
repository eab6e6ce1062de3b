// References: RFC 6376 §3.4.4 (relaxed body); PROTOCOL.md §3.2 (linear time).
/**
 * How much of a chunk is already relaxed-canonical CRLF text, found with
 * native searches (Buffer.indexOf, Uint16Array.indexOf) instead of a regex
 * over a latin1 copy or a JavaScript loop per byte: signing a 10 MB message
 * must cost about two SHA-256 passes, and the per-byte paths ran at a tenth
 * of that. Every search starts where the last one stopped or scans the chunk
 * once, so the scan stays linear.
 */
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** Two SP as one 16-bit word (the same in either byte order). */
const SP_SP = 0x2020;

/**
 * The length of the longest prefix of `chunk[0, end)` that ends with CRLF
 * and contains nothing relaxed canonicalization would change (tab, two
 * spaces, space before a line end, CR or LF outside CRLF, an empty line),
 * given that the text before the chunk ended a line with content
 * (`afterContent`) or ended in the middle of a line's content. 0 when none.
 */
export function canonicalLength(chunk: Buffer, scratch: Buffer, afterContent: boolean): number {
  const end = chunk.lastIndexOf("\r\n") + 2;
  if (end < 2 || end > scratch.length) return 0;
  const text = chunk.subarray(0, end);
  if (text.indexOf(HTAB) >= 0 || hasDoubleSpace(text, scratch)) return 0;
  // One line per step: its LF is preceded by CR, that CR is the line's only
  // one, and before it is content (not white space, not the previous LF).
  let start = 0;
  for (let lf = text.indexOf(LF); lf >= 0; lf = text.indexOf(LF, lf + 1)) {
    if (lf === 0 || text[lf - 1] !== CR || text.indexOf(CR, start) !== lf - 1) return 0;
    const before = lf >= 2 ? text[lf - 2]! : afterContent ? -1 : LF;
    if (before === SP || before === LF || before === CR) return 0;
    start = lf + 1;
  }
  return end;
}

/** Whether `text` holds two adjacent SP: two 16-bit searches, at even and at odd offsets. */
function hasDoubleSpace(text: Buffer, scratch: Buffer): boolean {
  for (const shift of [0, 1]) {
    const bytes = text.length - shift;
    if (bytes < 2) continue;
    // A Uint16Array needs an even byte offset: search an aligned copy.
    text.copy(scratch, 0, shift);
    if (new Uint16Array(scratch.buffer, scratch.byteOffset, bytes >> 1).indexOf(SP_SP) >= 0) return true;
  }
  return false;
}
