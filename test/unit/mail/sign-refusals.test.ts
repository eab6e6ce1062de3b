/**
 * PROTOCOL.md §3.1 in the signer, through the built CLI: `xsmtp sign`
 * refuses a header block a verifier would refuse (exit 2, nothing on stdout,
 * one line on stderr); `xsmtp sendmail` applies its failure policy to it.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeSecret } from "../../../signature/index.js";
import { fakeSendmail } from "../../support/fake-sendmail.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";
import { theirMac } from "../../support/mailauth-dkim.js";

const SECRET = decodeSecret(SECRET_TEXT)!;
const FIELDS = ["From: alice@example.org", "To: bob@other.org", "Subject: hi", "Date: Sat, 28 Nov 2026 10:00:00 +0000", "Message-ID: <m1@example.org>"];
/** A signable message with `extra` lines after its fields; CRLF unless told; one octet per character. */
const message = (extra: string[] = [], eol = "\r\n") => Buffer.from([...FIELDS, ...extra, "", "body", ""].join(eol), "latin1");
const sign = (input: Buffer) => runCli(["sign"], SIGNER_ENV, input);

async function refused(input: Buffer, reason: string): Promise<void> {
  const r = await sign(input);
  assert.equal(r.stderr, `xsmtp: refusing to sign: ${reason}\n`);
  assert.equal(r.code, 2);
  assert.equal(r.stdout.length, 0, "nothing written");
}

describe("xsmtp sign refuses what §3.1 forbids", () => {
  const malformed = (detail: string) => `${detail} (malformed-message, PROTOCOL.md §3.1)`;
  const duplicate = (detail: string) => `${detail} (duplicate-header, PROTOCOL.md §3.1)`;

  it("a bare CR, in a CRLF or an LF message", async () => {
    await refused(message(["X-Note: a\rb"]), malformed("a header line holds a bare CR"));
    await refused(message(["X-Note: a\rb"], "\n"), malformed("a header line holds a bare CR"));
    await refused(message(["X-Note: a\r\r"], "\n"), malformed("a header line holds a bare CR"));
  });

  it("a NUL, another control character, an invalid UTF-8 octet", async () => {
    await refused(message(["X-Note: a\0b"]), malformed("a header line holds a NUL"));
    await refused(message(["X-Note: a\x01b"]), malformed("a header field holds a control character"));
    await refused(message(["X-Note: a\x1bb"]), malformed("a header field holds a control character"));
    await refused(message(["X-Note: caf\xe9 (Latin-1)"]), malformed("a header field is not valid UTF-8"));
  });

  it("a line over 998 octets (998 is allowed)", async () => {
    const line = (n: number) => "X-Long: " + "a".repeat(n - "X-Long: ".length);
    assert.equal((await sign(message([line(998)]))).code, 0);
    await refused(message([line(999)]), malformed("a header line is longer than 998 octets"));
  });

  it("not exactly one From", async () => {
    await refused(message(["From: mallory@example.org"]), duplicate("the message has 2 From fields, not exactly one"));
    const r = await sign(Buffer.from("To: bob@other.org\r\nDate: x\r\nMessage-ID: <a@b>\r\n\r\n"));
    assert.deepEqual([r.code, r.stderr], [2, "xsmtp: the message has no From field; refusing to sign it\n"]);
  });

  for (const name of ["Sender", "Reply-To", "Subject", "Date", "Message-ID"]) {
    it(`more than one ${name}`, async () => {
      const twice = name === "Subject" || name === "Date" || name === "Message-ID" ? [`${name}: x`] : [`${name}: a@example.org`, `${name.toUpperCase()}: b@example.org`];
      await refused(message(twice), duplicate(`the message has more than one ${name.toLowerCase()} field`));
    });
  }

  it("old X-XMPP-Identity and X-XMPP-Hash fields are checked after removal: two of them, even malformed, are replaced", async () => {
    const old = ["X-XMPP-Identity: mallory@example.org", "X-XMPP-Identity: eve@example.org", "X-XMPP-Hash: v=1;\x01 b=", "X-XMPP-Hash: v=1"];
    const r = await sign(message(old));
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString("latin1");
    assert.deepEqual(out.match(/^X-XMPP-Identity:.*$/gim), ["X-XMPP-Identity: alice@example.org"]);
    assert.equal(out.match(/^X-XMPP-Hash:/gim)?.length, 1);
    const mac = theirMac(r.stdout, SECRET);
    assert.equal(mac.given, mac.expected);
  });

  it("an LF-only message with a CR in the body is fine: only the header block is checked", async () => {
    const input = Buffer.concat([message([], "\n"), Buffer.from("a\rb\n")]);
    const r = await sign(input);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.subarray(r.stdout.length - input.length).equals(input));
  });
});

describe("xsmtp sendmail and a message §3.1 forbids", () => {
  const bad = message(["Subject: second"]);

  it("sends it unsigned with a warning by default, unchanged", async () => {
    const fake = fakeSendmail(0);
    const r = await runCli(["sendmail", "-t", "-i"], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, bad);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "xsmtp sendmail: not signed (refusing to sign: the message has more than one subject field (duplicate-header, PROTOCOL.md §3.1)); sending it unsigned\n");
    assert.ok(fake.stdin().equals(bad));
  });

  it("with keep, keeps it, exits 75 and does not run sendmail", async () => {
    const fake = fakeSendmail(0);
    const keep = join(fake.dir, "kept");
    const r = await runCli(["sendmail", "-t", "-i", "--on-sign-failure=keep", `--keep-dir=${keep}`], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, bad);
    assert.equal(r.code, 75);
    const kept = readdirSync(keep);
    assert.ok(readFileSync(join(keep, kept[0]!)).equals(bad));
    assert.throws(() => fake.argv(), "sendmail did not run");
  });
});
