// References: RFC 6376 §3.4.4 (relaxed body), §3.4.5 (empty body).
// The streaming hasher and the one-shot canonicalBody are separate
// implementations (a byte state machine and string rewriting), so agreeing
// on every chunking checks both the chunk-boundary handling and the rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalBody, createBodyHasher } from "../../../signature/index.js";
import { prng } from "./prng.js";

const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

function oneShot(body: Buffer): string {
  return createHash("sha256").update(canonicalBody(body)).digest("base64");
}

function streamed(body: Buffer, cuts: number[]): string {
  const hasher = createBodyHasher();
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    hasher.update(body.subarray(start, cut));
    start = cut;
  }
  return hasher.digest();
}

const TRICKY = [
  "",
  "\r\n",
  "\n\n\n",
  " \t \r\n\t\n",
  "a",
  "a ",
  "a\r",
  "a\r\r\n",
  "\rb",
  "a \rb \r\n",
  "  lead\r\n",
  "x\t \ty  \t\r\n\r\n \r\n",
  "Hi Bob,  \n\nlunch\t at  noon?\n\n\n",
  "one\r\n\r\n\r\ntwo\r\n \r\n\t\r\n",
  "gr\xfc\xdfe  \xa0 \r\n",
  "end without newline   ",
];

test("canonicalBody: known results", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["\r\n\r\n", ""],
    [" \t \r\n", ""],
    ["a", "a\r\n"],
    ["a \t b\t\r\n", "a b\r\n"],
    ["  lead\n", " lead\r\n"],
    ["a\n\n b \n\n\n", "a\r\n\r\n b\r\n"],
    ["a\r", "a\r\r\n"],
  ];
  for (const [input, output] of cases) {
    assert.equal(canonicalBody(Buffer.from(input, "latin1")).toString("latin1"), output, JSON.stringify(input));
  }
  assert.equal(oneShot(Buffer.alloc(0)), EMPTY_HASH);
  assert.equal(streamed(Buffer.alloc(0), []), EMPTY_HASH);
});

test("streaming equals one-shot for every single and double split of tricky bodies", () => {
  for (const text of TRICKY) {
    const body = Buffer.from(text, "latin1");
    const expected = oneShot(body);
    for (let i = 0; i <= body.length; i++) {
      for (let j = i; j <= body.length; j++) {
        assert.equal(streamed(body, [i, j]), expected, `${JSON.stringify(text)} cut at ${i},${j}`);
      }
    }
  }
});

test("streaming equals one-shot byte by byte", () => {
  for (const text of TRICKY) {
    const body = Buffer.from(text, "latin1");
    assert.equal(streamed(body, [...body.keys()]), oneShot(body), JSON.stringify(text));
  }
});

test("streaming equals one-shot on random bodies cut at random places", () => {
  const random = prng(20261128);
  const alphabet = ["\r\n", "\n", "\r", " ", "  ", "\t", "a", "b", "ü", "\u00a0", "\r\n\r\n", "\n\n\n"];
  for (let n = 0; n < 500; n++) {
    let text = "";
    const pieces = Math.floor(random() * 60);
    for (let i = 0; i < pieces; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const body = Buffer.from(text, "utf8");
    const cuts: number[] = [];
    for (let c = 0; c < body.length; c += 1 + Math.floor(random() * 8)) cuts.push(c);
    assert.equal(streamed(body, cuts), oneShot(body), JSON.stringify(text));
  }
});

test("a 50 MB body streams in 64 KiB chunks with the one-shot result", () => {
  const line = Buffer.from("Some text \t with  runs   of white space\t\r\n\n");
  const body = Buffer.alloc(50 * 1024 * 1024);
  for (let i = 0; i < body.length; i += line.length) line.copy(body, i);
  const cuts: number[] = [];
  for (let c = 65536; c < body.length; c += 65536) cuts.push(c);
  assert.equal(streamed(body, cuts), oneShot(body));
});

test("trailing empty lines are counted, not stored: a million of them hash like none", () => {
  const hasher = createBodyHasher();
  hasher.update(Buffer.from("x"));
  const blank = Buffer.from("\r\n \t\n".repeat(1000));
  for (let i = 0; i < 500; i++) hasher.update(blank);
  assert.equal(hasher.digest(), oneShot(Buffer.from("x\r\n")));
});
