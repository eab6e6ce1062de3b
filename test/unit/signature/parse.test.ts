// References: RFC 6376 §3.2 (tag lists); PROTOCOL.md §2 and §5 group (1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatHashHeader, parseHashHeader, parseTagList, withEmptyMac } from "../../../signature/index.js";

const BH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const B = "8jsWLuRDKjJuvtFIt/e9y+BeBmtaJwkj7vkx9MWuXBI=";
const H = "from:to:subject:date:message-id:x-xmpp-identity";
const GOOD = `v=1; a=hmac-sha256; j=alice@example.org; k=laptop; t=1764324000; h=${H}; bh=${BH}; b=${B}`;

/** GOOD with one tag replaced (value given) or removed (null). */
function withTag(tag: string, value: string | null): string {
  const specs = GOOD.split("; ").filter((s) => !s.startsWith(`${tag}=`));
  if (value !== null) specs.splice(4, 0, `${tag}=${value}`);
  return specs.join("; ");
}

test("tag list: pairs, surrounding white space and folding ignored", () => {
  const tags = parseTagList(" a = 1 ;\r\n\tb=two words ;\n c=");
  assert.deepEqual([...tags!], [["a", "1"], ["b", "two words"], ["c", ""]]);
});

test("tag list: a trailing semicolon is allowed", () => {
  assert.deepEqual([...parseTagList("a=1; b=2; ")!], [["a", "1"], ["b", "2"]]);
});

test("tag list: a duplicated tag is malformed", () => {
  assert.equal(parseTagList("a=1; b=2; a=3"), null);
});

test("tag list: invalid tag names are malformed", () => {
  for (const bad of ["1a=x", "_a=x", "a-b=x", "a b=x", "=x", "é=x"]) assert.equal(parseTagList(bad), null, bad);
});

test("tag list: a spec without '=' and an empty spec are malformed", () => {
  assert.equal(parseTagList("a=1; b"), null);
  assert.equal(parseTagList("a=1;; b=2"), null);
  assert.equal(parseTagList(""), null);
  assert.equal(parseTagList(";"), null);
});

test("tag list: tag names are case-sensitive", () => {
  assert.deepEqual([...parseTagList("a=1; A=2")!], [["a", "1"], ["A", "2"]]);
});

test("tag list: control characters in a value are malformed, UTF-8 is not", () => {
  assert.equal(parseTagList("a=x\x00y"), null);
  assert.equal(parseTagList("j=jürgen@example.org")!.get("j"), "jürgen@example.org");
});

test("hash header: the good header parses", () => {
  const parsed = parseHashHeader(GOOD);
  assert.ok(typeof parsed !== "string");
  assert.deepEqual(parsed, {
    version: "1",
    algorithm: "hmac-sha256",
    jid: "alice@example.org",
    keyId: "laptop",
    signedAt: 1764324000,
    headerNames: H.split(":"),
    bodyHash: BH,
    mac: B,
    raw: GOOD,
  });
});

test("hash header: unknown tags are ignored; x, s and ip are read", () => {
  const value = withTag("zz", "whatever").replace("h=", "x=1764324001; s=xsmtp.example.org; ip=192.0.2.1; h=");
  const parsed = parseHashHeader(value);
  assert.ok(typeof parsed !== "string");
  assert.equal(parsed.expiresAt, 1764324001);
  assert.equal(parsed.service, "xsmtp.example.org");
  assert.equal(parsed.ip, "192.0.2.1");
});

test("hash header: folding inside h, bh and b is removed, names lower-cased", () => {
  const folded = GOOD.replace(`h=${H}`, "h=From :\r\n To:subject:date:\n\tMESSAGE-ID:x-xmpp-identity")
    .replace(`bh=${BH}`, `bh=${BH.slice(0, 10)}\r\n ${BH.slice(10)}`)
    .replace(`b=${B}`, `b=${B.slice(0, 20)}\n\t${B.slice(20)}\r\n`);
  const parsed = parseHashHeader(folded);
  assert.ok(typeof parsed !== "string");
  assert.deepEqual(parsed.headerNames, H.split(":"));
  assert.equal(parsed.bodyHash, BH);
  assert.equal(parsed.mac, B);
});

const cases: [string, string, string][] = [
  ["unparsable tag list", "v=1; a", "malformed-signature"],
  ["duplicate tag", `${GOOD}; k=desk`, "malformed-signature"],
  ...["v", "a", "j", "k", "t", "h", "bh", "b"].map(
    (tag): [string, string, string] => [`missing ${tag}`, withTag(tag, null), "malformed-signature"],
  ),
  ["empty b", withTag("b", ""), "malformed-signature"],
  ["key id with a dot", withTag("k", "lap.top"), "malformed-signature"],
  ["key id of 65 chars", withTag("k", "k".repeat(65)), "malformed-signature"],
  ["negative t", withTag("t", "-1"), "malformed-signature"],
  ["fractional t", withTag("t", "1764324000.5"), "malformed-signature"],
  ["t beyond safe integers", withTag("t", "99999999999999999999"), "malformed-signature"],
  ["non-numeric x", `${GOOD}; x=soon`, "malformed-signature"],
  ["x equal to t", `${GOOD}; x=1764324000`, "malformed-signature"],
  ["x before t", `${GOOD}; x=1764323999`, "malformed-signature"],
  ["bh not base64", withTag("bh", "not*base64"), "malformed-signature"],
  ["b with bad padding", withTag("b", "abc"), "malformed-signature"],
  ["empty h", withTag("h", ""), "malformed-signature"],
  ["empty name in h", withTag("h", "from::date:message-id:x-xmpp-identity"), "malformed-signature"],
  ["malformed before unsupported version", withTag("v", "2").replace(/k=laptop/, "k=a.b"), "malformed-signature"],
  ["version 2", withTag("v", "2"), "unsupported-version"],
  ["version before algorithm", withTag("v", "2").replace("hmac-sha256", "rsa-sha256"), "unsupported-version"],
  ["rsa-sha256", withTag("a", "rsa-sha256"), "unsupported-algorithm"],
  ["algorithm case matters", withTag("a", "HMAC-SHA256"), "unsupported-algorithm"],
  ["algorithm before missing header", withTag("a", "x").replace(/h=[^;]*/, "h=from"), "unsupported-algorithm"],
  ...["from", "date", "message-id", "x-xmpp-identity"].map((name): [string, string, string] => [
    `h without ${name}`,
    withTag("h", H.split(":").filter((n) => n !== name).join(":")),
    "missing-header",
  ]),
];
for (const [name, value, reason] of cases) {
  test(`hash header: ${name} gives ${reason}`, () => {
    assert.equal(parseHashHeader(value), reason);
  });
}

test("formatHashHeader writes the tags in the vectors' order and round-trips", () => {
  const value = formatHashHeader({
    jid: "alice@example.org",
    keyId: "laptop",
    signedAt: 1,
    expiresAt: 2,
    service: "xsmtp.example.org",
    ip: "2001:db8::1",
    headerNames: H.split(":"),
    bodyHash: BH,
    mac: B,
  });
  assert.equal(
    value,
    `v=1; a=hmac-sha256; j=alice@example.org; k=laptop; t=1; x=2; s=xsmtp.example.org; ip=2001:db8::1; h=${H}; bh=${BH}; b=${B}`,
  );
  assert.equal(typeof parseHashHeader(value), "object");
  assert.ok(formatHashHeader({ jid: "a@b", keyId: "k", signedAt: 1, headerNames: ["from"], bodyHash: BH }).endsWith("; b="));
});

test("withEmptyMac empties only b=, wherever it is and however it is folded", () => {
  assert.equal(withEmptyMac(GOOD), GOOD.replace(B, ""));
  assert.equal(withEmptyMac(`b = ${B.slice(0, 5)}\r\n ${B.slice(5)} ; bh=${BH}; v=1`), `b =; bh=${BH}; v=1`);
  assert.equal(withEmptyMac(`v=1;\r\n b=\r\n\t${B}\r\n`), "v=1;\r\n b=");
  assert.equal(withEmptyMac(`bh=${BH}`), `bh=${BH}`);
});
