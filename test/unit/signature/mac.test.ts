// References: RFC 2104 (HMAC), RFC 4648 §4/§5; PROTOCOL.md §3 (secrets) and §5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { computeMac, decodeSecret, encodeSecret, generateSecret, macMatches } from "../../../signature/index.js";

const secret = Buffer.from("secret-secret-secret-secret-0123");
const input = "from:alice@example.org\r\nx-xmpp-hash:v=1; b=";
const mac = computeMac(secret, input);

test("computeMac is base64 HMAC-SHA256 (RFC 4231 test case 2)", () => {
  const expected = Buffer.from("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "hex");
  assert.equal(computeMac(Buffer.from("Jefe"), "what do ya want for nothing?"), expected.toString("base64"));
});

test("macMatches accepts the right MAC, with or without folding", () => {
  assert.equal(macMatches(secret, input, mac), true);
  assert.equal(macMatches(secret, input, `${mac.slice(0, 10)}\r\n ${mac.slice(10)}`), true);
});

test("macMatches rejects another input, another secret, a flipped bit", () => {
  assert.equal(macMatches(secret, input + " ", mac), false);
  assert.equal(macMatches(Buffer.alloc(32), input, mac), false);
  const flipped = Buffer.from(mac, "base64");
  flipped[31] ^= 1;
  assert.equal(macMatches(secret, input, flipped.toString("base64")), false);
});

test("macMatches answers false, without throwing, for wrong-length or non-base64 b", () => {
  const full = Buffer.from(mac, "base64");
  for (const b of [
    "",
    full.subarray(0, 31).toString("base64"),
    Buffer.concat([full, Buffer.from([0])]).toString("base64"),
    "!!!!",
    mac.replace(/=$/, ""),
    mac.replace("=", "*"),
    "€".repeat(44),
    Buffer.from(mac, "base64").toString("base64url"),
  ]) {
    assert.doesNotThrow(() => macMatches(secret, input, b));
    assert.equal(macMatches(secret, input, b), false, JSON.stringify(b));
  }
});

test("secrets: 32 random bytes, 43 base64url chars, round trip", () => {
  const a = generateSecret();
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, generateSecret());
  const text = encodeSecret(a);
  assert.match(text, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(decodeSecret(`  ${text}\n`), a);
  assert.equal(encodeSecret(Buffer.from("secret-secret-secret-secret-0123")), "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM");
});

test("decodeSecret refuses anything but the exact 43-character form", () => {
  const text = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM";
  for (const bad of [
    "",
    text.slice(1),
    text + "A",
    text + "=",
    text.replace("c", "+"),
    text.replace("c", "/"),
    text.replace("c", "*"),
    text.slice(0, 20) + " " + text.slice(21),
    // Last char with non-zero spare bits: decodes to the same bytes as "M", so two texts would name one key.
    text.slice(0, 42) + "N",
  ]) {
    assert.equal(decodeSecret(bad), null, JSON.stringify(bad));
  }
});
