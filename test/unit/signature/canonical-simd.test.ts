// The SIMD scan must answer as the JavaScript scan it replaces
// (canonical-scan.ts), which the body-hash vectors and properties test, except
// that it may also take a chunk's unfinished last line when that is plain content.
import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalLength } from "../../../signature/canonical-scan.js";
import { SIMD_SCAN_LIMIT, simdCanonicalLength } from "../../../signature/canonical-simd.js";
import { prng } from "./prng.js";

const simd = simdCanonicalLength();
const scratch = Buffer.alloc(SIMD_SCAN_LIMIT);
const js = (text: Buffer, afterContent: boolean) => canonicalLength(text, scratch, afterContent);

test("WebAssembly SIMD is available in Node (else signing falls back to the slow scan)", () => {
  assert.ok(simd);
});

// Mostly canonical lines, with the bytes relaxed canonicalization cares about sprinkled in.
function text(random: () => number, bytes: number, oddity: number): Buffer {
  const out: number[] = [];
  const odd = [0x09, 0x20, 0x0d, 0x0a];
  while (out.length < bytes) {
    const r = random();
    if (r < oddity) out.push(odd[Math.floor(random() * odd.length)]!);
    else if (r < 0.08) out.push(0x0d, 0x0a);
    else if (r < 0.12 && out[out.length - 1] !== 0x20) out.push(0x20);
    else out.push(0x61 + Math.floor(random() * 26));
  }
  return Buffer.from(out);
}

/** The JavaScript scan's answer, or the whole chunk when its unfinished last line is plain content too. */
function expected(sample: Buffer, afterContent: boolean): number {
  const end = sample.lastIndexOf("\r\n") + 2;
  const lines = end >= 2 ? js(sample, afterContent) : 0;
  const tail = sample.subarray(end >= 2 ? end : 0).toString("latin1");
  const plainTail = tail.length > 0 && !/[\t\r\n]|  | $/.test(tail);
  // With no line end, the first byte's rules (canonical-simd.ts) still apply.
  const startOk = end >= 2 ? lines === end : sample[0] !== 0x0a && !(sample[0] === 0x0d && !afterContent);
  return plainTail && startOk ? sample.length : lines;
}

test("SIMD and JavaScript scans agree on generated text", () => {
  const random = prng(13);
  for (let i = 0; i < 3000; i++) {
    const sample = text(random, 1 + Math.floor(random() * 300), [0, 0.002, 0.02, 0.2][i % 4]!);
    for (const afterContent of [false, true]) assert.equal(simd!(sample, afterContent), expected(sample, afterContent), `case ${i}: ${JSON.stringify(sample.toString("latin1"))}`);
  }
});

test("a single oddity is found at every offset of a full window, to its last bytes", () => {
  const line = Buffer.from("The quick brown fox jumps over the lazy dog.\r\n");
  const full = Buffer.alloc(SIMD_SCAN_LIMIT);
  for (let at = 0; at < full.length; at += line.length) line.copy(full, at);
  const end = full.lastIndexOf("\r\n") + 2;
  const window = full.subarray(0, end);
  assert.equal(simd!(window, false), end);
  for (const at of [0, 1, 15, 16, 17, end - 40, end - 17, end - 16, end - 4, end - 3]) {
    for (const byte of [0x09, 0x0a, 0x0d]) {
      const copy = Buffer.from(window);
      copy[at] = byte;
      assert.equal(simd!(copy, false), expected(copy, false), `byte ${byte} at ${at}`);
    }
  }
});
