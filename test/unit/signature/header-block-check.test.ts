// References: PROTOCOL.md §3.1 (what a message must be), §2 (one
// X-XMPP-Identity); RFC 5322 §2.1.1, §3.6; RFC 6532 §3.2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkHeaderBlock, MAX_LINE_OCTETS } from "../../../signature/index.js";

const OK = undefined;
const malformed = (detail: string) => ({ reason: "malformed-message", detail }) as const;
const duplicate = (detail: string) => ({ reason: "duplicate-header", detail }) as const;
const BARE_CR = malformed("a header line holds a bare CR");
const NUL = malformed("a header line holds a NUL");
const CONTROL = malformed("a header field holds a control character");
const NOT_UTF8 = malformed("a header field is not valid UTF-8");
const TOO_LONG = malformed(`a header line is longer than ${MAX_LINE_OCTETS} octets`);

const head = (...lines: (string | Buffer)[]): Buffer =>
  Buffer.concat(lines.map((l) => Buffer.concat([typeof l === "string" ? Buffer.from(l) : l, Buffer.from("\r\n")])));
const FROM = "From: alice@example.org";

test("a sound header block passes, with or without its empty line and body", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, "To: bob@example.net", "Subject: hi")), OK);
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: hi", "")), OK);
  assert.deepEqual(checkHeaderBlock(Buffer.concat([head(FROM, ""), Buffer.from("body\r\x00\xff\r\nFrom: x\r\n", "latin1")])), OK);
  assert.deepEqual(checkHeaderBlock(Buffer.from(FROM)), OK, "no line end at all");
});

test("LF line ends are line ends (tools convert them before looking for a bare CR)", () => {
  assert.deepEqual(checkHeaderBlock(Buffer.from(`${FROM}\nSubject: a\n b\n\nbody\r`)), OK);
});

test("folding, HTAB and UTF-8 in values are fine", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: Grüße\taus", "\tKöln 日本語 😀")), OK);
});

test("a CR not followed by LF is refused, wherever it is", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: a\rb")), BARE_CR);
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: a\r")), BARE_CR, "CR CR LF");
  assert.deepEqual(checkHeaderBlock(head("\rX: y", FROM)), BARE_CR, "at the very start");
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: a", " \rb")), BARE_CR, "in a continuation line");
  assert.deepEqual(checkHeaderBlock(Buffer.from(`${FROM}\r\nSubject: a\r`)), BARE_CR, "ending the block");
  assert.deepEqual(checkHeaderBlock(Buffer.from(`${FROM}\r\n\r`)), BARE_CR, "a lone CR is no empty line");
});

test("a NUL is refused, also where a control would be", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: a\x00b")), NUL);
  assert.deepEqual(checkHeaderBlock(head("X\x00: y", FROM)), NUL);
});

test("control octets other than HTAB are refused, DEL included", () => {
  for (const c of ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]) {
    assert.deepEqual(checkHeaderBlock(head(FROM, `Subject: a${c}b`)), CONTROL, JSON.stringify(c));
  }
});

test("octets that are not UTF-8 are refused, in a field or a stray line", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, Buffer.from("Subject: caf\xe9", "latin1"))), NOT_UTF8);
  assert.deepEqual(checkHeaderBlock(head(FROM, Buffer.from([0x53, 0x3a, 0x20, 0xc3]))), NOT_UTF8, "truncated sequence");
  assert.deepEqual(checkHeaderBlock(head(FROM, Buffer.from([0x53, 0x3a, 0xed, 0xa0, 0x80]))), NOT_UTF8, "surrogate");
  assert.deepEqual(checkHeaderBlock(head(Buffer.from(" \xff", "latin1"), FROM)), NOT_UTF8, "continuation before any field");
  assert.deepEqual(checkHeaderBlock(head(FROM, Buffer.from("no colon \xff", "latin1"))), NOT_UTF8, "line without a colon");
});

test("a line of 998 octets passes, 999 is refused; the line end does not count", () => {
  const line = (n: number): string => "X: " + "a".repeat(n - 3);
  assert.deepEqual(checkHeaderBlock(head(FROM, line(MAX_LINE_OCTETS))), OK);
  assert.deepEqual(checkHeaderBlock(Buffer.from(`${FROM}\n${line(MAX_LINE_OCTETS)}\n`)), OK);
  assert.deepEqual(checkHeaderBlock(head(FROM, line(MAX_LINE_OCTETS + 1))), TOO_LONG);
  assert.deepEqual(checkHeaderBlock(head(FROM, "X: a", " " + "b".repeat(MAX_LINE_OCTETS))), TOO_LONG, "a continuation line");
  assert.deepEqual(checkHeaderBlock(Buffer.from(line(MAX_LINE_OCTETS + 1))), TOO_LONG, "unterminated last line");
});

test("malformation is reported before duplication", () => {
  assert.deepEqual(checkHeaderBlock(head(FROM, FROM, "Subject: a\rb")), BARE_CR);
});

test("exactly one From: none or two are refused; case and white space before the colon do not hide one", () => {
  assert.deepEqual(checkHeaderBlock(head("Subject: a")), duplicate("the message has 0 From fields, not exactly one"));
  assert.deepEqual(checkHeaderBlock(Buffer.alloc(0)), duplicate("the message has 0 From fields, not exactly one"));
  assert.deepEqual(checkHeaderBlock(head(FROM, "fROM \t: mallory@example.com")), duplicate("the message has 2 From fields, not exactly one"));
  assert.deepEqual(checkHeaderBlock(head("Subject: a", "", FROM)), duplicate("the message has 0 From fields, not exactly one"), "a From in the body");
  assert.deepEqual(checkHeaderBlock(head("Subject: a", " From: x", FROM)), OK, "a continuation line is no field");
});

test("a singleton field twice is refused, each of them", () => {
  for (const name of ["Sender", "Reply-To", "Subject", "Date", "Message-ID", "X-XMPP-Identity"]) {
    assert.deepEqual(
      checkHeaderBlock(head(FROM, `${name}: a`, `${name.toUpperCase()} : b`)),
      duplicate(`the message has more than one ${name.toLowerCase()} field`),
    );
  }
  assert.deepEqual(checkHeaderBlock(head(FROM, "To: a", "To: b", "Received: x", "Received: y")), OK, "others may repeat");
});

test("ignored fields are not counted at all", () => {
  const identities = head(FROM, "X-XMPP-Identity: a@b", "X-XMPP-Identity: c@d");
  assert.deepEqual(checkHeaderBlock(identities, new Set(["x-xmpp-identity"])), OK);
  assert.deepEqual(checkHeaderBlock(head(FROM, FROM), new Set(["from"])), OK);
  assert.deepEqual(checkHeaderBlock(head(FROM, "Subject: a", "Subject: b"), new Set(["x-xmpp-identity"])), duplicate("the message has more than one subject field"));
});
