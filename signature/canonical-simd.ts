// References: RFC 6376 §3.4.4 (relaxed body); PROTOCOL.md §3.2 (linear time).
/**
 * canonical-scan.ts's question (how much of a chunk is already canonical)
 * answered 16 bytes at a time by a tiny WebAssembly SIMD function: the
 * JavaScript scan needs two native searches per line and ran at ~0.7 of a
 * SHA-256 pass, which kept signing at 0.4 of SHA-256; this one runs at ~6x
 * SHA-256, copy into its memory included. Where WebAssembly cannot be
 * compiled (an extension page's CSP without wasm-unsafe-eval) the factory
 * returns undefined and the caller keeps the JavaScript scan.
 *
 * Every adjacent byte pair (a, b) of the text, up to its final CRLF, must
 * pass; together the rules say what canonical-scan.ts's loop checks per line:
 *   a = HTAB                   white space relaxed would fold
 *   a = SP and b in {SP, CR}   two spaces, or a space before a line end
 *   (a = CR) != (b = LF)       a CR outside CRLF, or an LF outside CRLF
 *   a = LF and b = CR          an empty line (its emission waits, body-hasher.ts)
 * The text is followed in memory by filler bytes that pass every rule.
 *
 * Unlike canonical-scan.ts, the length returned may end inside a line's
 * content (never after white space or a CR), not only after a CRLF.
 */
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
/** The most the scan looks at per call: one scan window (body-hasher.ts). */
export const SIMD_SCAN_LIMIT = 64 * 1024;
const FILLER = 0x61;
const PAD = 32;

const leb = (n: number): number[] => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
// Locals: 0 length (param), 1 offset, 2 accumulated failures, 3 a, 4 b, 5-8 HTAB SP CR LF splatted.
const eq = (x: number, y: number): number[] => [0x20, x, 0x20, y, 0xfd, 0x23];
const OR = [0xfd, 0x50];
const AND = [0xfd, 0x4e];
const XOR = [0xfd, 0x51];
const splat = (byte: number, local: number): number[] => [0x41, byte, 0xfd, 0x0f, 0x21, local];
const BODY = [
  0x02, 0x01, 0x7f, 0x07, 0x7b, // locals: 1 i32, 7 v128
  ...splat(0x09, 5), ...splat(0x20, 6), ...splat(CR, 7), ...splat(LF, 8),
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 1, 0x20, 0, 0x4f, 0x0d, 1, // offset >= length: done
  0x20, 1, 0xfd, 0x00, 0x00, 0x00, 0x21, 3, // a = bytes at offset
  0x20, 1, 0xfd, 0x00, 0x00, 0x01, 0x21, 4, // b = bytes at offset + 1
  ...eq(3, 5),
  ...eq(3, 6), ...eq(4, 6), ...eq(4, 7), ...OR, ...AND, ...OR,
  ...eq(3, 7), ...eq(4, 8), ...XOR, ...OR,
  ...eq(3, 8), ...eq(4, 7), ...AND, ...OR,
  0x20, 2, ...OR, 0x21, 2,
  0x20, 1, 0x41, 0x10, 0x6a, 0x21, 1, // offset += 16
  0x0c, 0x00, 0x0b, 0x0b,
  0x20, 2, 0xfd, 0x53, 0x0b, // any lane failed
];
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]), // (i32) -> i32
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 2]), // 2 pages: one window, its padding
  ...section(7, [2, 3, 0x6d, 0x65, 0x6d, 2, 0, 3, 0x62, 0x61, 0x64, 0, 0]), // "mem", "bad"
  ...section(10, [1, ...leb(BODY.length), ...BODY]),
]);

export type CanonicalLength = (chunk: Buffer, afterContent: boolean) => number;

/** The SIMD scan, or undefined where WebAssembly (with SIMD) is not available. */
export function simdCanonicalLength(): CanonicalLength | undefined {
  let bad: (length: number) => number;
  let memory: Uint8Array;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(MODULE));
    bad = exports.bad as (length: number) => number;
    memory = new Uint8Array((exports.mem as WebAssembly.Memory).buffer);
  } catch {
    return undefined;
  }
  const passes = (length: number): boolean => {
    memory.fill(FILLER, length, length + PAD);
    return bad(length) === 0;
  };
  return (chunk, afterContent) => {
    if (chunk.length === 0 || chunk.length > SIMD_SCAN_LIMIT) return 0;
    // The first byte has no pair before it: an LF there is outside CRLF, and
    // a CR there starts an empty line unless the line already had content.
    if (chunk[0] === LF || (chunk[0] === CR && !afterContent)) return 0;
    memory.set(chunk, 0);
    // The whole chunk, when it ends in content: its last line continues in
    // the next chunk, so a trailing space there is undecided and excluded.
    // Taking it spares the state machine the split line at every chunk end.
    if (chunk[chunk.length - 1] !== SP && passes(chunk.length)) return chunk.length;
    const end = chunk.lastIndexOf("\r\n") + 2;
    return end >= 2 && passes(end) ? end : 0;
  };
}
