// References: RFC 6376 §3.4.4 (relaxed body), §3.4.5 (empty body), §3.7 (bh);
// PROTOCOL.md §3.2 (linear time).
import { createHash } from "node:crypto";
import { canonicalLength } from "./canonical-scan.js";
import { simdCanonicalLength } from "./canonical-simd.js";

export interface BodyHasher {
  update(chunk: Buffer): void;
  /** Base64 SHA-256 of the canonical body; the hasher cannot be used afterwards. */
  digest(): string;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const SCRATCH_SIZE = 64 * 1024;
/** Chunks are scanned for canonical text this much at a time (canonical-scan.ts needs a scratch of this size). */
const SCAN_WINDOW = 64 * 1024;
/** One instance for all hashers: the scan is synchronous, so they never share it at once. */
const simdScan = simdCanonicalLength();

/**
 * Streaming relaxed body hash. Chunks may split a message anywhere (inside
 * CRLF, a white-space run, a run of trailing empty lines), so the little that
 * is undecided at a chunk end is kept as state, never as bytes: a pending CR,
 * whether white space is pending, and how many empty lines wait to be
 * emitted. Memory stays bounded whatever the body size, which matters for the
 * signing gateway handling 50 MB messages.
 */
export function createBodyHasher(): BodyHasher {
  const hash = createHash("sha256");
  const scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  const scanScratch = Buffer.allocUnsafe(SCAN_WINDOW);
  let used = 0;
  // Empty lines seen but not emitted: they are dropped if nothing follows them.
  let emptyLines = 0;
  // White space after the last content byte of the current line: it becomes
  // one SP if content follows on the same line, nothing if the line ends.
  let pendingSpace = false;
  // A CR whose meaning (line end or content) depends on the next byte.
  let pendingCr = false;
  let lineHasContent = false;

  const put = (byte: number): void => {
    if (used === SCRATCH_SIZE) {
      hash.update(scratch);
      used = 0;
    }
    scratch[used++] = byte;
  };
  const content = (byte: number): void => {
    if (!lineHasContent) {
      for (; emptyLines > 0; emptyLines--) {
        put(CR);
        put(LF);
      }
      lineHasContent = true;
    }
    if (pendingSpace) {
      put(SP);
      pendingSpace = false;
    }
    put(byte);
  };
  const endLine = (): void => {
    if (lineHasContent) {
      put(CR);
      put(LF);
    } else {
      emptyLines++;
    }
    lineHasContent = false;
    pendingSpace = false;
  };

  // The common case, plain CRLF text, is hashed as it is: the per-byte state
  // machine below runs some 20 times slower than SHA-256 itself.
  const canonicalPrefix = (window: Buffer): number => {
    if (pendingCr || pendingSpace || emptyLines > 0) return 0;
    const end = simdScan ? simdScan(window, lineHasContent) : canonicalLength(window, scanScratch, lineHasContent);
    if (end === 0) return 0;
    if (used > 0) {
      hash.update(scratch.subarray(0, used));
      used = 0;
    }
    hash.update(window.subarray(0, end));
    // The SIMD scan may stop inside a line's content (canonical-simd.ts).
    lineHasContent = window[end - 1] !== LF;
    return end;
  };
  const byteByByte = (window: Buffer, from: number, to = window.length): void => {
    for (let i = from; i < to; i++) {
      const byte = window[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (byte === LF) {
          endLine();
          continue;
        }
        content(CR);
      }
      if (byte === CR) pendingCr = true;
      else if (byte === LF) endLine();
      else if (byte === SP || byte === HTAB) pendingSpace = true;
      else content(byte);
    }
  };

  return {
    update(chunk: Buffer): void {
      // Window by window, so a stretch that needs the state machine slows only
      // itself. A window that starts in the middle of white space or a line
      // end (chunks split anywhere) gets its first line from the state machine
      // and the rest from the fast path, instead of every byte from the former.
      for (let at = 0; at < chunk.length; at += SCAN_WINDOW) {
        const window = chunk.subarray(at, at + SCAN_WINDOW);
        let from = 0;
        if (pendingCr || pendingSpace) {
          from = window.indexOf(LF) + 1 || window.length;
          byteByByte(window, 0, from);
        }
        byteByByte(window, from + canonicalPrefix(window.subarray(from)));
      }
    },
    digest(): string {
      if (pendingCr) content(CR);
      // A non-empty body that does not end in a line break gets one.
      if (lineHasContent) endLine();
      hash.update(scratch.subarray(0, used));
      return hash.digest("base64");
    },
  };
}

/** bh of a body held in memory. */
export function bodyHash(body: Buffer): string {
  const hasher = createBodyHasher();
  hasher.update(body);
  return hasher.digest();
}
