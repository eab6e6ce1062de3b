// References: PROTOCOL.md §3.2 (every parser linear in its input).
//
// Each parser of the signature core and the mail tools, timed (CPU time) on 10 KB,
// 100 KB and 1 MB inputs of adversarial shape: runs of white space and of
// folding (CRLF SP) at the start, in the middle, at the end, before "=" and
// ";" and ":", inside values; many short fields or addresses. See
// test/support/linear-time.ts for how "linear" is decided.
import { test } from "node:test";
import {
  canonicalBody,
  canonicalHeader,
  checkHeaderBlock,
  createBodyHasher,
  parseHashHeader,
  parseTagList,
  selectHeaders,
  splitMessage,
  withEmptyMac,
} from "../../signature/index.js";
import { bareMessageId, fromAddresses } from "../../protocol/mail-address.js";
import { removeFields } from "../../mail/message/remove-fields.js";
import { headerEnd, readHeaderBlock } from "../../mail/message/header-block.js";
import { assertLinear } from "../support/linear-time.js";

const FOLD = "\r\n ";
const spaces = (n: number): string => " ".repeat(n);
const tabs = (n: number): string => " \t".repeat(Math.ceil(n / 2));
const folds = (n: number): string => FOLD.repeat(Math.ceil(n / 3));
const RUNS = { spaces, tabs, folds } as const;

// Each case is stored already bound to assertLinear, so inputs of different types share one list.
const cases: [name: string, check: () => ReturnType<typeof assertLinear>][] = [];
const add = <T>(name: string, makeInput: (size: number) => T, run: (input: T) => unknown): void => {
  cases.push([name, () => assertLinear(name, makeInput, run)]);
};

for (const [runName, run] of Object.entries(RUNS)) {
  // The tag list, white space in every position a tag list allows it.
  const tagLists: Record<string, (n: number) => string> = {
    "at the start": (n) => run(n) + "v=1; a=b",
    "inside a name": (n) => "v" + run(n) + "x=1; a=b",
    "before =": (n) => "v" + run(n) + "=1; a=b",
    "after =": (n) => "v=" + run(n) + "1; a=b",
    "inside a value": (n) => "v=1" + run(n) + "2; a=b",
    "before ;": (n) => "v=1" + run(n) + "; a=b",
    "at the end": (n) => "v=1; a=b;" + run(n),
    "around b=": (n) => "v=1; b" + run(n) + "=" + run(n) + "AAAA" + run(n),
    "inside b's name": (n) => "v=1; b" + run(n) + "b=AAAA",
  };
  for (const [where, make] of Object.entries(tagLists)) {
    add(`parseTagList, ${runName} ${where}`, make, (v) => parseTagList(v));
    add(`withEmptyMac, ${runName} ${where}`, make, (v) => withEmptyMac(v));
    add(`parseHashHeader, ${runName} ${where}`, make, (v) => parseHashHeader(v));
  }
  add(`canonicalHeader, ${runName} after the name`, (n) => "Subject" + run(n), (name) => canonicalHeader(name, "x"));
  add(`canonicalHeader, ${runName} inside the name`, (n) => "Sub" + run(n) + "ject", (name) => canonicalHeader(name, "x"));
  add(`canonicalHeader, ${runName} in the value`, (n) => run(n) + "a" + run(n) + "b" + run(n), (v) => canonicalHeader("Subject", v));
  add(`canonicalBody, ${runName} inside lines`, (n) => Buffer.from("a" + run(n) + "b" + run(n) + "\r\n"), (b) => canonicalBody(b));
  add(`createBodyHasher, ${runName}`, (n) => Buffer.from("a" + run(n) + "b" + run(n) + "\r\n"), (b) => {
    const hasher = createBodyHasher();
    hasher.update(b);
    return hasher.digest();
  });
  add(`fromAddresses, ${runName}`, (n) => run(n) + "Alice" + run(n) + "<alice@example.org>" + run(n), (v) => fromAddresses(v));
  add(`bareMessageId, ${runName}`, (n) => "<" + run(n) + "id@example.org" + run(n), (v) => bareMessageId(v));
}

// A header block whose field name is followed by a long white-space run, or
// whose one field is folded over and over, or which holds many short fields.
const heads: Record<string, (n: number) => Buffer> = {
  "white space before the colon": (n) => Buffer.from("From: a@b\r\nSubject" + spaces(n) + ": x\r\n\r\n"),
  "white space inside the name": (n) => Buffer.from("From: a@b\r\nSub" + tabs(n) + "ject: x\r\n\r\n"),
  "a field folded many times": (n) => Buffer.from("From: a@b\r\nSubject: x" + FOLD.repeat(n / 3) + "y\r\n\r\n"),
  "many short fields": (n) => Buffer.from("From: a@b\r\n" + "X-A: 1\r\n".repeat(n / 8) + "\r\n"),
  "many lines without a colon": (n) => Buffer.from("From: a@b\r\n" + "xxxxxx\r\n".repeat(n / 8) + "\r\n"),
};
for (const [shape, make] of Object.entries(heads)) {
  add(`splitMessage, ${shape}`, make, (h) => splitMessage(h));
  add(`checkHeaderBlock, ${shape}`, make, (h) => checkHeaderBlock(h));
  add(`removeFields, ${shape}`, make, (h) => removeFields(h, new Set(["x-a", "subject"])));
  add(`headerEnd, ${shape}`, make, (h) => headerEnd(h, 0));
  // A header block that trickles in, 16 bytes at a time, must not be copied per chunk.
  add(`readHeaderBlock in 16-byte chunks, ${shape}`, make, (h) => readHeaderBlock(chunked(h, 16)));
}

add("canonicalBody, many empty lines", (n) => Buffer.from("a\r\n" + "\r\n".repeat(n / 2) + "b"), (b) => canonicalBody(b));
add("createBodyHasher, many bare CRs", (n) => Buffer.from("a" + "\r".repeat(n) + "b"), (b) => createBodyHasher().update(b));
add("fromAddresses, many mailboxes", (n) => "a@example.org, ".repeat(n / 15), (v) => fromAddresses(v));
add("fromAddresses, words without @", (n) => "a.".repeat(n / 2), (v) => fromAddresses(v));
add("fromAddresses, long group", (n) => "g:" + "a,".repeat(n / 2) + ";", (v) => fromAddresses(v));
add("fromAddresses, repeated separators", (n) => ",;".repeat(n / 2), (v) => fromAddresses(v));
add("parseTagList, many tags", (n) => Array.from({ length: n / 8 }, (_, i) => `t${i}=1`).join("; "), (v) => parseTagList(v));
add("withEmptyMac, many tags", (n) => Array.from({ length: n / 8 }, (_, i) => `t${i}=1`).join("; ") + "; b=x", (v) => withEmptyMac(v));
add(
  "selectHeaders, many fields and names",
  (n) => ({ names: Array.from({ length: n / 8 }, (_, i) => `x-${i % 100}`), fields: Array.from({ length: n / 8 }, (_, i) => ({ name: `X-${i % 100}`, value: "v" })) }),
  ({ names, fields }) => selectHeaders(names, fields),
);

for (const [name, check] of cases) {
  test(`linear time: ${name}`, async (t) => {
    const m = await check();
    t.diagnostic(`CPU time: 10 KB ${m.smallMs.toFixed(3)} ms, 100 KB ${m.middleMs.toFixed(3)} ms, 1 MB ${m.largeMs.toFixed(3)} ms, ratio ${m.ratio.toFixed(0)}`);
  });
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
