/**
 * `xsmtp sendmail` adds a missing Date and Message-ID before signing, as
 * sendmail does (revision 0.1 moved this here from `xsmtp sign`, which now
 * refuses such a message), and refuses an empty Message-ID like sign does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSecret } from "../../../signature/index.js";
import { fakeSendmail } from "../../support/fake-sendmail.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";
import { theirMac, theirTags } from "../../support/mailauth-dkim.js";

const SECRET = decodeSecret(SECRET_TEXT)!;

async function send(input: string) {
  const fake = fakeSendmail(0);
  const r = await runCli(["sendmail", "-t", "-i"], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, input);
  assert.equal(r.code, 0, r.stderr);
  return { stderr: r.stderr, sent: fake.stdin() };
}

describe("xsmtp sendmail: Date and Message-ID", () => {
  it("adds both when missing, below X-XMPP-Identity, says so, and signs them", async () => {
    const original = "From: alice@example.org\nTo: bob@other.org\n\nHi\n";
    const { stderr, sent } = await send(original);
    assert.equal(stderr, "xsmtp sendmail: added a Date field (the message had none)\nxsmtp sendmail: added a Message-ID field (the message had none)\n");
    const text = sent.toString("utf8");
    assert.ok(text.endsWith(original), "the original follows unchanged");
    assert.ok(!text.includes("\r"), "an LF message stays LF");
    const top = text.slice(0, text.length - original.length);
    assert.match(
      top,
      /^X-XMPP-Hash: [^\n]+(\n [^\n]+)*\nX-XMPP-Identity: alice@example\.org\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\nMessage-ID: <[A-Za-z0-9._-]+@example\.org>\n$/,
    );
    const h = theirTags(top.split("\nX-XMPP-Identity")[0]!.slice("X-XMPP-Hash:".length)).h!.split(":");
    assert.equal(h.filter((n) => n === "date").length, 2, "the added Date is signed and oversigned");
    assert.equal(h.filter((n) => n === "message-id").length, 2, "the added Message-ID is signed and oversigned");
    const mac = theirMac(sent, SECRET);
    assert.equal(mac.given, mac.expected);
  });

  it("adds nothing to a message that has both", async () => {
    const original = "From: alice@example.org\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.org>\r\n\r\nHi\r\n";
    const { stderr, sent } = await send(original);
    assert.equal(stderr, "");
    const top = sent.toString("utf8").slice(0, sent.length - original.length);
    assert.match(top, /\r\nX-XMPP-Identity: alice@example\.org\r\n$/);
  });

  it("an empty Message-ID is not replaced: signing fails and the failure policy applies (sent unsigned)", async () => {
    for (const id of [" <>", "", " \t"]) {
      const original = `From: alice@example.org\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID:${id}\r\n\r\nHi\r\n`;
      const { stderr, sent } = await send(original);
      assert.equal(stderr, "xsmtp sendmail: not signed (the message's Message-ID field is empty; refusing to sign it); sending it unsigned\n");
      assert.equal(sent.toString("utf8"), original);
    }
  });
});
