/**
 * Tag values (PROTOCOL.md §2): a CR or LF in an option or setting that
 * becomes a tag value would end X-XMPP-Hash and start another field, so the
 * signer refuses it naming the option, through the CLI and, defensively, in
 * the signature core. And a --headers list must name the required fields.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignatureOptionError, signMessage } from "../../../signature/index.js";
import { fakeSendmail } from "../../support/fake-sendmail.js";
import { runCli, SIGNER_ENV } from "../../support/mail-cli.js";
import { theirTags } from "../../support/mailauth-dkim.js";

const MESSAGE = "From: alice@example.org\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\nHi\r\n";
const sign = (args: string[], env: Record<string, string> = {}) => runCli(["sign", ...args], { ...SIGNER_ENV, ...env }, MESSAGE);
const lineBreak = (option: string) => `xsmtp: ${option}: the value holds a line break (CR or LF), which a tag value must not (PROTOCOL.md §2)\n`;

async function refused(args: string[], env: Record<string, string>, stderr: string): Promise<void> {
  const r = await sign(args, env);
  assert.deepEqual([r.code, r.stderr, r.stdout.length], [2, stderr, 0], JSON.stringify([args, env]));
}

describe("xsmtp sign: tag values", () => {
  it("a line break in --ip, --service, --jid, --key-id, --headers, --expire-after is refused, naming the option", async () => {
    for (const [option, value] of [
      ["--ip", "192.0.2.7\r\nX-Evil: yes"],
      ["--ip", "192.0.2.7\n"],
      ["--ip", "192.0.2.7\r"],
      ["--service", "xsmtp.example.org\r\nX-Evil: a.example.org"],
      ["--jid", "alice@example.org\nX-Evil: yes"],
      ["--key-id", "lap\rtop"],
      ["--headers", "from:date:message-id\r\nX-Evil: yes"],
      ["--expire-after", "60\n"],
    ]) {
      await refused([option!, value!], {}, lineBreak(option!));
    }
  });

  it("a line break in the environment is refused, naming the variable", async () => {
    for (const key of ["XSMTP_SIGNING_SERVICE", "XSMTP_SIGNING_JID", "XSMTP_SIGNING_KEY_ID", "XSMTP_SIGNING_HEADERS"]) {
      const value = { XSMTP_SIGNING_SERVICE: "xsmtp.example.org", XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: "laptop", XSMTP_SIGNING_HEADERS: "from:date:message-id" }[key]!;
      await refused([], { [key]: `${value}\nX-Evil: yes` }, lineBreak(key));
    }
  });

  it('a ";", white space or control character in --ip or --service is refused: it would start another tag', async () => {
    const why = (option: string) => `xsmtp: ${option}: the value holds white space, a control character, ";" or non-ASCII, which a tag value must not (PROTOCOL.md §2)\n`;
    await refused(["--ip", "192.0.2.7; s=evil.example"], {}, why("--ip"));
    await refused(["--ip", "192.0.2.7\t"], {}, why("--ip"));
    await refused(["--service", "a b.example.org"], {}, why("--service"));
    await refused(["--jid", "a;b@example.org"], {}, 'xsmtp: --jid: "a;b@example.org" is not a bare JID such as alice@example.org\n');
  });

  it("--headers must name from, date and message-id; x-xmpp-identity is added and oversigned", async () => {
    const missing = (names: string) => `xsmtp: --headers: h= must name from, date, message-id, x-xmpp-identity (PROTOCOL.md §2); missing: ${names}\n`;
    await refused(["--headers", "from:to"], {}, missing("date, message-id"));
    await refused(["--headers", "date:message-id:x-xmpp-identity"], {}, missing("from"));
    await refused([], { XSMTP_SIGNING_HEADERS: "subject" }, missing("from, date, message-id"));
    await refused(["--headers", "from:date:message-id:x;y"], {}, 'xsmtp: --headers: "x;y" is not a header field name\n');
    const r = await sign(["--headers", "From, Date, Message-ID"]);
    assert.equal(r.code, 0, r.stderr);
    const h = theirTags(r.stdout.toString().split("\r\nX-XMPP-Identity")[0]!.slice("X-XMPP-Hash:".length)).h;
    assert.equal(h, "from:date:message-id:x-xmpp-identity:x-xmpp-identity");
  });

  it("more than 64 names in h= or an X-XMPP-Hash over 8,192 octets is refused (PROTOCOL.md §3.2)", async () => {
    const manyTo = MESSAGE.replace("\r\n\r\n", "\r\n" + "To: bob@other.org\r\n".repeat(60) + "\r\n");
    const r = await runCli(["sign"], SIGNER_ENV, manyTo);
    assert.deepEqual([r.code, r.stderr, r.stdout.length], [2, "xsmtp: headerNames (h=): 78 names, more than the 64 a verifier accepts (PROTOCOL.md §3.2)\n", 0]);
    const long = `from:date:message-id:x-${"a".repeat(8200)}`;
    const why = "the X-XMPP-Hash field would exceed the 8192 octets a verifier accepts (PROTOCOL.md §3.2); sign fewer or shorter header names";
    await refused(["--headers", long], {}, `xsmtp: ${why}\n`);
  });

  it("xsmtp sendmail: a line break in XSMTP_SIGNING_SERVICE fails the signing; the failure policy applies", async () => {
    const fake = fakeSendmail(0);
    const r = await runCli(["sendmail", "-t", "-i"], { ...SIGNER_ENV, XSMTP_SIGNING_SERVICE: "xsmtp.example.org\r\nX-Evil: yes", XSMTP_SENDMAIL_PATH: fake.path }, MESSAGE);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `xsmtp sendmail: not signed (${lineBreak("XSMTP_SIGNING_SERVICE").slice("xsmtp: ".length, -1)}); sending it unsigned\n`);
    assert.equal(fake.stdin().toString(), MESSAGE);
  });
});

describe("signature core: signFields refuses unwritable tag values (SignatureOptionError)", () => {
  const base = {
    message: Buffer.from(MESSAGE),
    jid: "alice@example.org",
    keyId: "laptop",
    secret: Buffer.alloc(32, 1),
    headerNames: ["from", "date", "message-id", "x-xmpp-identity"],
    signedAt: 100,
  };

  it("CR, LF or ';' in j, k, s, ip or an h= name, named in the error", () => {
    const cases: [Partial<typeof base> & { service?: string; ip?: string }, string][] = [
      [{ ip: "192.0.2.7\r\nX-Evil: yes" }, "ip (ip=)"],
      [{ ip: "192.0.2.7; s=evil.example" }, "ip (ip=)"],
      [{ service: "example.org\n" }, "service (s=)"],
      [{ jid: "alice@example.org\r\n" }, "jid (j=)"],
      [{ keyId: "lap\rtop" }, "keyId (k=)"],
      [{ headerNames: ["from", "date", "message-id", "x-xmpp-identity", "to\r\nX-Evil"] }, "headerNames (h=)"],
    ];
    for (const [change, option] of cases) {
      assert.throws(
        () => signMessage({ ...base, ...change }),
        (err: Error) => err instanceof SignatureOptionError && err.message === `${option}: a tag value must not hold CR, LF or ";" (PROTOCOL.md §2)`,
        option,
      );
    }
  });

  it("an h= without a required name is refused, naming what is missing", () => {
    assert.throws(
      () => signMessage({ ...base, headerNames: ["from", "date", "message-id"] }),
      { message: "headerNames (h=) must name from, date, message-id, x-xmpp-identity; missing: x-xmpp-identity (a verifier would answer missing-header)" },
    );
  });
});
