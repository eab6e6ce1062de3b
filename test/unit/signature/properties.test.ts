// References: RFC 6376 §3.2 (tag lists), §3.4.2 and §3.4.4 (relaxed
// canonicalization); PROTOCOL.md §3, §3.1 (what a message must be).
//
// Property-based tests (fast-check): generated inputs full of what parsers
// get wrong (folding, long white-space runs, bare CR, NUL, 8-bit bytes),
// checked against a model or against mailauth 4.13.2. Where mailauth and the
// protocol legitimately differ, the protocol's behaviour is asserted and the
// reason given next to the assertion.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { canonicalBody, canonicalHeader, checkHeaderBlock, createBodyHasher, parseTagList, splitMessage, withEmptyMac } from "../../../signature/index.js";

import { mailauthTools as tools, RelaxedHash } from "../../support/mailauth-internals.js";

const RUNS = 1000;
const longRun = fc.integer({ min: 2, max: 300 }).chain((n) => fc.constantFrom(" ".repeat(n), "\t".repeat(n), " \t".repeat(n >> 1)));
const wsp = fc.oneof(fc.constantFrom("", " ", "\t", " \t "), longRun);
const fold = fc.constantFrom("\r\n ", "\r\n\t", "\r\n  \t");
const fws = fc.array(fc.oneof(wsp, fold), { maxLength: 3 }).map((parts) => parts.join(""));
// Words without 0xA0 in their UTF-8: mailauth collapses that byte as white space (see signature-mailauth.test.ts).
const word = fc.constantFrom("alice@example.org", "Lunch", "x:y", "a=b", "Grüße", "日本語", "😀", "=?utf-8?q?J=C3=BCrgen?=", "<m1@example.org>");

test("tag list: any tags with any white space and folding around them parse to the tags", () => {
  const tagName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,4}$/);
  const tagValue = fc.array(fc.tuple(fc.constantFrom("1", "AAAA==", "hmac-sha256", "Grüße", "a=b:c"), fc.oneof(fws, fc.constant(""))), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([w, s], i) => (i < parts.length - 1 ? w + (s || " ") : w)).join(""));
  const spec = fc.tuple(fws, fws, fws, tagValue, fws);
  const list = fc.uniqueArray(fc.tuple(tagName, spec), { minLength: 1, maxLength: 8, selector: ([name]) => name });
  fc.assert(
    fc.property(list, fc.boolean(), fws, (tags, trailingSemicolon, tail) => {
      const text = tags.map(([name, [a, b, c, value, d]]) => `${a}${name}${b}=${c}${value}${d}`).join(";") + (trailingSemicolon ? ";" + tail : "");
      const parsed = parseTagList(text);
      assert.deepEqual(parsed, new Map(tags.map(([name, [, , , value]]) => [name, value])));
      // Emptying b= leaves every other tag exactly as it was.
      const withoutMac = parseTagList(withEmptyMac(text));
      for (const [name, value] of parsed!) assert.equal(withoutMac?.get(name), name === "b" ? "" : value);
    }),
    { numRuns: RUNS },
  );
});

test("tag list: arbitrary text never throws, and every value it accepts is trimmed and free of controls", () => {
  const piece = fc.oneof(fc.constantFrom(";", "=", "b", "bh", " ", "\t", "\r", "\n", "\r\n ", "\x00", "\x7f", "é", "a"), longRun);
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join("")), (text) => {
      const parsed = parseTagList(text);
      for (const value of parsed?.values() ?? []) {
        assert.doesNotMatch(value, /^[ \t\r\n]|[ \t\r\n]$|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
      }
    }),
    { numRuns: RUNS },
  );
});

// A header block: exactly one From among repeatable fields, values built from
// words, white space and folding, and now and then an octet §3.1 forbids.
const FORBIDDEN = { "bare CR": "\r", NUL: "\x00", control: "\x1b", "non-UTF-8": "\xe9", DEL: "\x7f" } as const;
const forbidden = fc.constantFrom(...Object.values(FORBIDDEN));
const value = fc.array(fc.oneof({ weight: 6, arbitrary: fc.oneof(word, wsp, fold) }, { weight: 1, arbitrary: forbidden }), { maxLength: 8 }).map((p) => p.join(""));
const field = fc.tuple(fc.constantFrom("To", "cc", "RECEIVED", "X-Mailer", "Comments"), fc.constantFrom(":", " :", "\t:"), value);
const headerBlock = fc
  .tuple(fc.array(field, { maxLength: 6 }), fc.nat(), value, fc.constantFrom("\r\n", "\n"))
  .map(([fields, at, fromValue, eol]) => {
    const lines = fields.map(([name, colon, v]) => name + colon + v);
    lines.splice(at % (lines.length + 1), 0, "From:" + fromValue);
    // Values are text, UTF-8, except the deliberate \xe9, which is written as a single octet.
    const text = lines.map((l) => l.replaceAll("\r\n", eol)).join(eol) + eol;
    return Buffer.concat(text.split("\xe9").flatMap((part, i) => (i ? [Buffer.from([0xe9]), Buffer.from(part)] : [Buffer.from(part)])));
  });

test("header block: refused exactly when §3.1 forbids it (an octet, a line over 998 octets); otherwise split and canonicalized as mailauth does", () => {
  fc.assert(
    fc.property(headerBlock, (head) => {
      const check = checkHeaderBlock(head);
      const latin1 = head.toString("latin1");
      // The model: a CR not before LF, NUL, a control other than HTAB, DEL, or a byte that breaks UTF-8;
      // or a line longer than 998 octets without its CRLF (§3.1, RFC 5322 §2.1.1): long white-space runs make them.
      const longLine = latin1.split("\n").some((line) => line.replace(/\r$/, "").length > 998);
      const bad = longLine || /\r(?!\n)|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\xe9]/.test(latin1);
      if (bad) {
        // mailauth would parse such a block (a bare CR is just a byte to it); §3.1 refuses it, so a
        // line-based parser and a mail client cannot be shown different fields.
        assert.equal(check?.reason, "malformed-message");
        return;
      }
      assert.equal(check, undefined);
      const ours = splitMessage(Buffer.concat([head, Buffer.from("\r\n")])).fields;
      const theirs = tools.parseHeaders(head).parsed;
      assert.equal(ours.length, theirs.length);
      ours.forEach((f, i) => assert.deepEqual(Buffer.from(canonicalHeader(f.name, f.value)), tools.formatRelaxedLine(theirs[i]!.line)));
    }),
    { numRuns: RUNS },
  );
});

test("header canonicalization: as mailauth's, idempotent, and blind to folding and white-space runs", () => {
  const text = fc.array(fc.oneof(word, wsp, fold), { maxLength: 10 }).map((p) => p.join(""));
  fc.assert(
    fc.property(fc.constantFrom("Subject", "x-a", "FROM"), fc.constantFrom("", " ", "\t\t"), text, (name, beforeColon, v) => {
      const canonical = canonicalHeader(name + beforeColon, v);
      assert.deepEqual(Buffer.from(canonical), tools.formatRelaxedLine(Buffer.from(`${name}${beforeColon}:${v}`)));
      const colon = canonical.indexOf(":");
      assert.equal(canonicalHeader(canonical.slice(0, colon), canonical.slice(colon + 1)), canonical);
      assert.equal(canonicalHeader(name, v.replace(/[ \t]+/g, "  ").replaceAll("\r\n", "\n")), canonicalHeader(name, v));
    }),
    { numRuns: RUNS },
  );
});

// Bodies with everything: long runs, bare CR and LF, NUL, 8-bit bytes that are not UTF-8.
const bodyPiece = fc.oneof(
  fc.constantFrom("text", "-- ", ".", "\r\n", "\n", "\r", "\x00", "\xa0", "\xe9\xff", "\r\n\r\n", " \r\n", "\t\n"),
  longRun,
);
const body = fc.array(bodyPiece, { maxLength: 25 }).map((p) => Buffer.from(p.join(""), "latin1"));

test("body canonicalization: the streaming hasher, in any chunks, agrees with canonicalBody; and with mailauth on terminated bodies", () => {
  fc.assert(
    fc.property(body, fc.integer({ min: 1, max: 64 }), (raw, chunk) => {
      const hasher = createBodyHasher();
      for (let i = 0; i < raw.length; i += chunk) hasher.update(raw.subarray(i, i + chunk));
      const ours = hasher.digest();
      assert.equal(ours, createHash("sha256").update(canonicalBody(raw)).digest("base64"));
      // mailauth is compared on bodies without a bare CR and with a final line break. It takes a
      // final bare CR for a line break and keeps one trailing SP on an unterminated last line
      // (signature-mailauth.test.ts pins both), and it takes a line of bare CRs for an empty line
      // (pinned below); RFC 6376 §3.4.4 knows only CRLF as a line end, so a bare CR is content,
      // and §3.1 refuses bare CRs only in the header block.
      if (!/\r(?!\n)/.test(raw.toString("latin1")) && (raw.length === 0 || raw[raw.length - 1] === 0x0a)) {
        const theirs = new RelaxedHash("sha256");
        theirs.update(raw);
        assert.equal(ours, theirs.digest("base64"));
      }
    }),
    { numRuns: RUNS },
  );
});

test("documented difference: a line of bare CRs is content, not an empty line (RFC 6376 §3.4.4)", () => {
  const raw = Buffer.from("\r \r\n");
  const theirs = new RelaxedHash("sha256");
  theirs.update(raw);
  assert.deepEqual(canonicalBody(raw), Buffer.from("\r\r\n"));
  assert.equal(theirs.digest("base64"), createHash("sha256").update("").digest("base64"));
});
