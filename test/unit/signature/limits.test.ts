// References: PROTOCOL.md §3.2 (limits: 8,192 octets, 64 names in h=),
// §5 (malformed-signature before version and algorithm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_HASH_FIELD_OCTETS, MAX_SIGNED_NAMES, parseHashHeader } from "../../../signature/index.js";

const REQUIRED = "from:date:message-id:x-xmpp-identity";
const BH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const value = (h = REQUIRED, v = "1", extra = ""): string =>
  `v=${v}; a=hmac-sha256; j=alice@example.org; k=laptop; t=1764324000; h=${h}; bh=${BH}; b=AAAA${extra}`;
/** The value padded with an unknown tag (ignored, PROTOCOL.md §2) to exactly `octets` UTF-8 octets. */
function padded(octets: number, filler = "x", v = "1"): string {
  const base = value(REQUIRED, v, "; z=");
  const room = octets - Buffer.byteLength(base);
  const fillerOctets = Buffer.byteLength(filler);
  return base + filler.repeat(Math.floor(room / fillerOctets)) + "y".repeat(room % fillerOctets);
}
const MALFORMED = "malformed-signature";

test("the limits are those of PROTOCOL.md §3.2", () => {
  assert.equal(MAX_HASH_FIELD_OCTETS, 8192);
  assert.equal(MAX_SIGNED_NAMES, 64);
});

test("an X-XMPP-Hash of 8,192 octets is parsed, one of 8,193 is malformed", () => {
  assert.equal(Buffer.byteLength(padded(MAX_HASH_FIELD_OCTETS)), MAX_HASH_FIELD_OCTETS);
  assert.equal(typeof parseHashHeader(padded(MAX_HASH_FIELD_OCTETS)), "object");
  assert.deepEqual(parseHashHeader(padded(MAX_HASH_FIELD_OCTETS + 1)), MALFORMED);
});

test("the limit counts UTF-8 octets, not characters", () => {
  const wide = padded(MAX_HASH_FIELD_OCTETS + 2, "日"); // 3 octets, one UTF-16 unit each
  assert.ok(wide.length <= MAX_HASH_FIELD_OCTETS);
  assert.deepEqual(parseHashHeader(wide), MALFORMED);
  assert.equal(typeof parseHashHeader(padded(MAX_HASH_FIELD_OCTETS, "😀")), "object");
});

test("an oversized value is malformed even when its version is unknown", () => {
  assert.equal(parseHashHeader(value(REQUIRED, "2")), "unsupported-version");
  assert.deepEqual(parseHashHeader(padded(MAX_HASH_FIELD_OCTETS + 1, "x", "2")), MALFORMED);
  assert.deepEqual(parseHashHeader(" ".repeat(1_000_000)), MALFORMED);
});

test("h= with 64 names is parsed, with 65 (repeats count) malformed", () => {
  const names = (n: number): string => [REQUIRED, ...Array(n - 4).fill("to")].join(":");
  const parsed = parseHashHeader(value(names(MAX_SIGNED_NAMES)));
  assert.equal(typeof parsed !== "string" && parsed.headerNames.length, MAX_SIGNED_NAMES);
  assert.deepEqual(parseHashHeader(value(names(MAX_SIGNED_NAMES + 1))), MALFORMED);
  assert.deepEqual(parseHashHeader(value(names(MAX_SIGNED_NAMES + 1), "2")), MALFORMED, "before the version");
});
