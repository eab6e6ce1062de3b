// References: RFC 5322 §2.1, §2.2.3; RFC 6376 §5.4.2; PROTOCOL.md §3 step 3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { selectHeaders, signMessage, splitMessage } from "../../../signature/index.js";

test("splitMessage: CRLF message, folding kept in value and raw", () => {
  const raw = Buffer.from("From: a@b\r\nSubject: one\r\n\ttwo\r\n\r\nbody\r\n");
  const split = splitMessage(raw);
  assert.equal(split.lineEnding, "\r\n");
  assert.deepEqual(split.fields, [
    { name: "From", value: " a@b", raw: "From: a@b" },
    { name: "Subject", value: " one\r\n\ttwo", raw: "Subject: one\r\n\ttwo" },
  ]);
  assert.equal(raw.subarray(split.bodyOffset).toString(), "body\r\n");
});

test("splitMessage: LF message, value after the first colon only, WSP before colon", () => {
  const split = splitMessage(Buffer.from("X-A : b: c\n d\n\n\nbody"));
  assert.equal(split.lineEnding, "\n");
  assert.deepEqual(split.fields, [{ name: "X-A", value: " b: c\n d", raw: "X-A : b: c\n d" }]);
  assert.equal(split.bodyOffset, "X-A : b: c\n d\n\n".length);
});

test("splitMessage: no empty line means no body; lines without a colon are skipped", () => {
  const raw = Buffer.from(" stray continuation\r\nnot a field\r\nTo: x\r\n");
  const split = splitMessage(raw);
  assert.deepEqual(split.fields.map((f) => f.name), ["To"]);
  assert.equal(split.bodyOffset, raw.length);
});

test("splitMessage: UTF-8 header values decode, body offset counts bytes", () => {
  const raw = Buffer.from("Subject: Grüße\r\n\r\nö");
  const split = splitMessage(raw);
  assert.equal(split.fields[0]!.value, " Grüße");
  assert.equal(raw.subarray(split.bodyOffset).toString(), "ö");
});

test("selectHeaders: bottom up, case-insensitive, extra entries select nothing", () => {
  const fields = [
    { name: "To", value: "1" },
    { name: "to", value: "2" },
    { name: "From", value: "f" },
    { name: "TO", value: "3" },
  ];
  assert.deepEqual(
    selectHeaders(["to", "FROM", "to", "cc", "from", "to", "to"], fields).map((f) => f.value),
    ["3", "f", "2", "1"],
  );
});

const base = {
  message: Buffer.from("From: a@example.org\r\nDate: x\r\nMessage-ID: <1@x>\r\n\r\nhi\r\n"),
  jid: "a@example.org",
  keyId: "k",
  secret: Buffer.alloc(32, 1),
  headerNames: ["from", "date", "message-id", "x-xmpp-identity"],
  signedAt: 100,
};

test("signMessage: signs the X-XMPP-Identity it prepends", () => {
  const a = signMessage(base).value;
  const b = signMessage({ ...base, jid: "b@example.org" }).value.replace("j=b@", "j=a@");
  assert.notEqual(a, b);
});

test("signMessage: refuses options that no verifier would accept", () => {
  assert.throws(() => signMessage({ ...base, headerNames: ["from", "date"] }), /missing-header/);
  assert.throws(() => signMessage({ ...base, keyId: "bad key" }), /malformed-signature/);
  assert.throws(() => signMessage({ ...base, expiresAt: 100 }), /malformed-signature/);
});
