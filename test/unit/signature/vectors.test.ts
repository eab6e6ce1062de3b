// References: PROTOCOL.md §9 and test/fixtures/vectors.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  bodyHash,
  canonicalBody,
  computeMac,
  decodeSecret,
  macMatches,
  parseHashHeader,
  selectHeaders,
  signMessage,
  signingInput,
  splitMessage,
} from "../../../signature/index.js";

interface Vector {
  name: string;
  message: string;
  h: string;
  t: number;
  canonical_body: string;
  bh: string;
  signing_input: string;
  b: string;
  x_xmpp_hash: string;
}
interface VectorFile {
  secret: string;
  jid: string;
  key_id: string;
  vectors: Vector[];
}

// From dist/test/unit back to the source tree, so the fixture is not copied into dist.
const file = JSON.parse(
  readFileSync(new URL("../../../../test/fixtures/vectors.json", import.meta.url), "utf8"),
) as VectorFile;
const secret = decodeSecret(file.secret);

test("the vector secret decodes to 32 bytes", () => {
  assert.ok(secret);
  assert.equal(secret.length, 32);
});

test("the vector file holds the four published vectors", () => {
  assert.deepEqual(
    file.vectors.map((v) => v.name),
    ["spec-section-9", "empty-body-oversigned", "repeated-header-and-expiry", "utf8-header"],
  );
});

for (const vector of file.vectors) {
  const message = Buffer.from(vector.message, "utf8");
  // The signer prepends the identity field before signing (vectors.json "note").
  const withIdentity = Buffer.concat([Buffer.from(`X-XMPP-Identity: ${file.jid}\r\n`), message]);
  const expected = parseHashHeader(vector.x_xmpp_hash);

  test(`${vector.name}: canonical body and bh`, () => {
    const body = message.subarray(splitMessage(message).bodyOffset);
    assert.equal(canonicalBody(body).toString("utf8"), vector.canonical_body);
    assert.equal(bodyHash(body), vector.bh);
  });

  test(`${vector.name}: signing input and b`, () => {
    const { fields } = splitMessage(withIdentity);
    const selected = selectHeaders(vector.h.split(":"), fields);
    const input = signingInput(selected, vector.x_xmpp_hash);
    assert.equal(input, vector.signing_input);
    assert.equal(computeMac(secret!, input), vector.b);
    assert.ok(macMatches(secret!, input, vector.b));
  });

  test(`${vector.name}: signMessage produces the whole X-XMPP-Hash value`, () => {
    assert.ok(typeof expected !== "string");
    const { value } = signMessage({
      message,
      jid: file.jid,
      keyId: file.key_id,
      secret: secret!,
      headerNames: vector.h.split(":"),
      signedAt: vector.t,
      expiresAt: expected.expiresAt,
      service: expected.service,
      ip: expected.ip,
    });
    assert.equal(value, vector.x_xmpp_hash);
  });

  test(`${vector.name}: the published value parses back to its parts`, () => {
    assert.ok(typeof expected !== "string");
    assert.equal(expected.jid, file.jid);
    assert.equal(expected.keyId, file.key_id);
    assert.equal(expected.signedAt, vector.t);
    assert.deepEqual(expected.headerNames, vector.h.split(":"));
    assert.equal(expected.bodyHash, vector.bh);
    assert.equal(expected.mac, vector.b);
    assert.equal(expected.raw, vector.x_xmpp_hash);
  });
}

test("repeated-header-and-expiry carries x = t + 30 days and s", () => {
  const vector = file.vectors.find((v) => v.name === "repeated-header-and-expiry")!;
  const parsed = parseHashHeader(vector.x_xmpp_hash);
  assert.ok(typeof parsed !== "string");
  assert.equal(parsed.expiresAt, vector.t + 30 * 86400);
  assert.equal(parsed.service, "xsmtp.example.org");
});

test("the section 9 vector signs the same when sent with CRLF line ends", () => {
  const vector = file.vectors[0]!;
  const { value } = signMessage({
    message: Buffer.from(vector.message.replace(/\n/g, "\r\n")),
    jid: file.jid,
    keyId: file.key_id,
    secret: secret!,
    headerNames: vector.h.split(":"),
    signedAt: vector.t,
  });
  assert.equal(value, vector.x_xmpp_hash);
});
