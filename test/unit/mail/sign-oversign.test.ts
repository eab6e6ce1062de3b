/**
 * PROTOCOL.md §10 through the built CLI: the default list is signed and
 * oversigned, so a field of those names added or changed after signing
 * (a Reply-To that diverts answers, a second Content-Type, another
 * Content-Transfer-Encoding) fails verification, by the signature core and
 * by mailauth's independent §3 alike; and X-XMPP-Hash and X-XMPP-Identity
 * sit on top, above every field signed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeSecret, splitMessage } from "../../../signature/index.js";
import { coreVerifies } from "../../support/core-verify.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";
import { headAndBody, theirMac } from "../../support/mailauth-dkim.js";

const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const SECRET = decodeSecret(SECRET_TEXT)!;

async function signed(name: string): Promise<Buffer> {
  const r = await runCli(["sign"], SIGNER_ENV, fixture(name));
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

function verifies(message: Buffer): boolean {
  const mac = theirMac(message, SECRET);
  assert.equal(mac.given === mac.expected, coreVerifies(message, SECRET), "the core and mailauth agree");
  return coreVerifies(message, SECRET);
}

/** The message with `line` added at the top, or just above the empty line. */
function added(message: Buffer, line: string, where: "top" | "bottom"): Buffer {
  if (where === "top") return Buffer.concat([Buffer.from(line + "\r\n"), message]);
  const { head, body } = headAndBody(message);
  return Buffer.concat([head.subarray(0, head.length - 2), Buffer.from(line + "\r\n\r\n"), body]);
}

describe("oversigning the default list (PROTOCOL.md §10)", () => {
  it("8bit-encoded-words.eml: adding Reply-To, Sender, In-Reply-To, References, a second Content-Type or MIME-Version fails", async () => {
    const message = await signed("8bit-encoded-words.eml");
    assert.ok(verifies(message), "untouched, it verifies");
    const extras = [
      "Reply-To: eve@evil.example",
      "Sender: eve@evil.example",
      "In-Reply-To: <other@evil.example>",
      "References: <other@evil.example>",
      "Content-Type: text/html; charset=utf-8",
      "MIME-Version: 1.0",
      "Content-Transfer-Encoding: base64",
      "Cc: eve@evil.example",
    ];
    for (const line of extras) {
      for (const where of ["top", "bottom"] as const) assert.equal(verifies(added(message, line, where)), false, `${line} at the ${where}`);
    }
  });

  it("changing Content-Transfer-Encoding or Content-Type fails", async () => {
    const message = (await signed("8bit-encoded-words.eml")).toString("utf8");
    for (const [from, to] of [
      ["Content-Transfer-Encoding: 8bit", "Content-Transfer-Encoding: quoted-printable"],
      ["Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8"],
    ]) {
      assert.ok(message.includes(from));
      assert.equal(verifies(Buffer.from(message.replace(from, to))), false, to);
    }
  });

  it("multipart-attachment.eml, which has no Content-Transfer-Encoding: adding one fails", async () => {
    const message = await signed("multipart-attachment.eml");
    assert.ok(verifies(message));
    assert.equal(verifies(added(message, "Content-Transfer-Encoding: base64", "bottom")), false);
  });

  it("a field outside the list may be added in transit (Received, List-Id): it still verifies", async () => {
    const message = await signed("multipart-attachment.eml");
    assert.ok(verifies(added(message, "Received: from relay.example by mx.other.org", "top")));
    assert.ok(verifies(added(message, "List-Id: <list.example.org>", "bottom")));
  });

  it("X-XMPP-Hash and X-XMPP-Identity are the first two fields, the original's follow in order", async () => {
    for (const name of ["multipart-attachment.eml", "lf-only.eml", "stale-identity.eml"]) {
      const out = splitMessage(await signed(name)).fields.map((f) => `${f.name}:${f.value.trim()}`);
      const original = splitMessage(fixture(name)).fields.filter((f) => !/^x-xmpp-/i.test(f.name)).map((f) => `${f.name}:${f.value.trim()}`);
      assert.match(out[0]!, /^X-XMPP-Hash:v=1; a=hmac-sha256; j=alice@example\.org; k=laptop; t=\d+;/);
      assert.deepEqual(out.slice(1), ["X-XMPP-Identity:alice@example.org", ...original], name);
    }
  });
});
