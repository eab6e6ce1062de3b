/**
 * `xsmtp sign` through the built CLI: byte-exact output, line endings,
 * oversigning, refusals and exit codes, and interop: every
 * fixture's signature checks out under mailauth's independent §3.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeSecret } from "../../../signature/index.js";
import { headAndBody, theirMac, theirTags } from "../../support/mailauth-dkim.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";

const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const SECRET = decodeSecret(SECRET_TEXT)!;
const sign = (input: Buffer | string, args: string[] = [], env: Record<string, string | undefined> = SIGNER_ENV) => runCli(["sign", ...args], env, input);

/** The fields sign put on top: everything before the original's first byte. */
function addedPart(out: Buffer, original: Buffer): string {
  assert.ok(out.subarray(out.length - original.length).equals(original), "the original message follows unchanged");
  return out.subarray(0, out.length - original.length).toString("utf8");
}

describe("xsmtp sign", () => {
  for (const name of readdirSync(FIXTURES).filter((n) => n !== "stale-identity.eml")) {
    it(`${name}: signed byte for byte, and mailauth's §3 computes the same bh and b`, async () => {
      const original = fixture(name);
      const r = await sign(original);
      assert.equal(r.code, 0, r.stderr);
      const added = addedPart(r.stdout, original);
      const eol = original.includes("\r\n") ? "\r\n" : "\n";
      assert.ok(added.endsWith(eol) && !(eol === "\n" && added.includes("\r")), "added lines use the message's line ending");
      const mac = theirMac(r.stdout, SECRET);
      assert.equal(mac.bh, mac.bodyHash);
      assert.equal(mac.given, mac.expected);
    });
  }

  // Revision 0.1 (§10) widened the default list; absent names are now listed once too.
  it("signs PROTOCOL.md §10's default list, each name once more than the message has it", async () => {
    const r = await sign(fixture("multipart-attachment.eml"));
    const { h } = theirTags(r.stdout.toString("utf8").split("\r\nX-XMPP-Identity")[0]!.slice("X-XMPP-Hash:".length));
    assert.equal(
      h,
      "from:from:sender:reply-to:to:to:cc:cc:subject:subject:date:date:message-id:message-id:in-reply-to:references:" +
        "mime-version:mime-version:content-type:content-type:content-transfer-encoding:x-xmpp-identity:x-xmpp-identity",
    );
  });

  it("a field added in transit breaks the signature (oversigning, PROTOCOL.md §10)", async () => {
    const r = await sign(fixture("long-folded.eml"));
    for (const extra of ["To: eve@evil.example\r\n", "X-XMPP-Identity: mallory@example.org\r\n", "Cc: eve@evil.example\r\n"]) {
      const tampered = Buffer.concat([Buffer.from(extra), r.stdout]);
      const mac = theirMac(tampered, SECRET);
      assert.notEqual(mac.given, mac.expected, extra);
    }
  });

  it("removes an existing X-XMPP-Identity lower down and says so: it, not ours, would have been signed", async () => {
    const original = fixture("stale-identity.eml");
    const r = await sign(original);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /removed an existing X-XMPP-Identity field naming mallory@example\.org/);
    const out = r.stdout.toString("utf8");
    assert.deepEqual(out.match(/^X-XMPP-Identity:.*$/gim), ["X-XMPP-Identity: alice@example.org"]);
    assert.ok(!out.includes("mallory"));
    const mac = theirMac(r.stdout, SECRET);
    assert.equal(mac.given, mac.expected);
  });

  // Revision 0.1: sign used to add a missing Date and Message-ID; it is a filter, so now it refuses, and sendmail adds them.
  it("refuses a message without Date or Message-ID, or with an empty Message-ID: exit 2, one line, nothing on stdout", async () => {
    const cases: [string, string][] = [
      ["From: alice@example.org\nMessage-ID: <m@example.org>\n\nHi\n", "the message has no Date field; refusing to sign it (PROTOCOL.md §2 requires it signed; xsmtp sendmail adds one)"],
      ["From: alice@example.org\nDate: Sat, 28 Nov 2026 10:00:00 +0000\n\nHi\n", "the message has no Message-ID field; refusing to sign it (PROTOCOL.md §2 requires it signed; xsmtp sendmail adds one)"],
      ["From: alice@example.org\nTo: bob@other.org\n\nHi\n", "the message has no Date field; refusing to sign it (PROTOCOL.md §2 requires it signed; xsmtp sendmail adds one)"],
    ];
    const empty = "the message's Message-ID field is empty; refusing to sign it";
    for (const id of ["<>", "", "   ", "< >", "\r\n <>"]) cases.push([`From: alice@example.org\r\nDate: x\r\nMessage-ID:${id}\r\n\r\nHi\r\n`, empty]);
    for (const [input, error] of cases) {
      const r = await sign(input);
      assert.deepEqual([r.code, r.stderr, r.stdout.length], [2, `xsmtp: ${error}\n`, 0], JSON.stringify(input));
    }
  });

  it("options make the tags: --service, --ip, --expire-after, --headers (x-xmpp-identity still oversigned)", async () => {
    const r = await sign(fixture("lf-only.eml"), ["--service", "xsmtp.example.org", "--ip", "192.0.2.7", "--expire-after", "3600", "--headers", "from:date:message-id:x-xmpp-identity"]);
    assert.equal(r.code, 0, r.stderr);
    const tags = theirTags(r.stdout.toString().split("\nX-XMPP-Identity")[0]!.slice("X-XMPP-Hash:".length));
    assert.equal(tags.s, "xsmtp.example.org");
    assert.equal(tags.ip, "192.0.2.7");
    assert.equal(Number(tags.x) - Number(tags.t), 3600);
    assert.equal(tags.h, "from:date:message-id:x-xmpp-identity:x-xmpp-identity");
  });

  it("a message without From is refused with exit 2 and nothing on stdout", async () => {
    const r = await sign("To: bob@other.org\r\nSubject: x\r\n\r\nbody\r\n");
    assert.equal(r.code, 2);
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, /no From field/);
  });

  it("bad settings exit 2 without echoing the secret", async () => {
    const bad = "not-a-secret-but-do-not-print-me";
    const r = await sign(fixture("lf-only.eml"), [], { ...SIGNER_ENV, XSMTP_SIGNING_SECRET: bad });
    assert.equal(r.code, 2);
    assert.ok(!r.stderr.includes(bad));
    assert.match(r.stderr, /43 characters/);
    assert.equal((await sign("From: a@b\n\n", [], { XSMTP_SIGNING_SECRET: SECRET_TEXT })).code, 2);
    assert.equal((await sign("From: a@b\n\n", ["--service", "xsmtp.evil.example"])).code, 2);
    assert.equal((await sign("From: a@b\n\n", ["--headers", "from:to"])).code, 2, "h= without date and message-id");
  });

  it("an empty header block with only a body has no From: exit 2", async () => {
    const r = await sign("\r\nJust a body\r\n");
    assert.equal(r.code, 2);
    assert.equal(headAndBody(r.stdout).body.length, 0);
  });
});
