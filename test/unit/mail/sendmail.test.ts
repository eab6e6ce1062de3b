/**
 * `xsmtp sendmail` with a fake sendmail: the same argv reaches it, the
 * message arrives signed (checked by mailauth's §3), sendmail's exit code is
 * ours, and a failed signing sends unsigned or keeps the message.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseSendmailArgs, untilDotLine } from "../../../mail/sendmail/sendmail-args.js";
import { recipientsOf } from "../../../mail/sendmail/submitted-event.js";
import { decodeSecret } from "../../../signature/index.js";
import { fakeSendmail } from "../../support/fake-sendmail.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";
import { theirMac } from "../../support/mailauth-dkim.js";

const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const SECRET = decodeSecret(SECRET_TEXT)!;
const MESSAGE = readFileSync(new URL("multipart-attachment.eml", FIXTURES));

describe("xsmtp sendmail", () => {
  it("mutt/git style: signs, passes argv through unchanged, returns sendmail's exit code", async () => {
    const fake = fakeSendmail(0);
    const argv = ["-oi", "-oem", "-f", "alice@example.org", "-F", "Alice Example", "-t", "--", "bob@other.org"];
    const r = await runCli(["sendmail", ...argv], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, MESSAGE);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fake.argv(), argv);
    const sent = fake.stdin();
    assert.ok(sent.subarray(sent.length - MESSAGE.length).equals(MESSAGE));
    const mac = theirMac(sent, SECRET);
    assert.equal(mac.given, mac.expected);
    assert.equal(mac.bh, mac.bodyHash);
  });

  it("sendmail's failure is ours: its exit code comes back", async () => {
    const fake = fakeSendmail(67);
    const r = await runCli(["sendmail", "-i", "bob@other.org"], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, MESSAGE);
    assert.equal(r.code, 67);
  });

  it("a failed signing sends unsigned with a warning by default, the message unchanged", async () => {
    const fake = fakeSendmail(0);
    const r = await runCli(["sendmail", "-t", "-i"], { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SENDMAIL_PATH: fake.path }, MESSAGE);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /not signed \(no key id.*sending it unsigned/);
    assert.ok(fake.stdin().equals(MESSAGE));
  });

  it("--on-sign-failure keep keeps it in the directory and exits 75 without running sendmail", async () => {
    const fake = fakeSendmail(0);
    const keep = join(fake.dir, "kept");
    const noFrom = "To: bob@other.org\r\nSubject: no sender\r\n\r\nbody\r\n";
    const r = await runCli(["sendmail", "-t", "-i", "--on-sign-failure", "keep", `--keep-dir=${keep}`], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, noFrom);
    assert.equal(r.code, 75);
    const kept = readdirSync(keep);
    assert.equal(kept.length, 1);
    assert.equal(readFileSync(join(keep, kept[0]!), "utf8"), noFrom);
    assert.throws(() => fake.argv(), "sendmail did not run");
  });

  it("a missing real sendmail keeps the signed message and exits 75", async () => {
    const fake = fakeSendmail(0);
    const keep = join(fake.dir, "kept");
    const r = await runCli(["sendmail", "-t", "-i"], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: join(fake.dir, "missing"), XSMTP_KEEP_DIR: keep }, MESSAGE);
    assert.equal(r.code, 75);
    assert.match(r.stderr, /ENOENT/);
    assert.equal(readdirSync(keep).length, 1);
  });

  it("without -i a line holding only '.' ends the message, as sendmail would, and the signature covers what is sent", async () => {
    const fake = fakeSendmail(0);
    const r = await runCli(["sendmail", "bob@other.org"], { ...SIGNER_ENV, XSMTP_SENDMAIL_PATH: fake.path }, "From: alice@example.org\n\nbefore\n.\nafter\n");
    assert.equal(r.code, 0, r.stderr);
    const sent = fake.stdin();
    assert.ok(sent.toString().endsWith("\n\nbefore\n"));
    const mac = theirMac(sent, SECRET);
    assert.equal(mac.bh, mac.bodyHash);
  });
});

describe("sendmail command lines", () => {
  it("finds recipients, -t, -i and non-delivery modes; removes only XSMTP's long options", () => {
    const a = parseSendmailArgs(["-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root", "--on-sign-failure=keep"]);
    assert.deepEqual(a.recipients, ["root"]);
    assert.deepEqual(a.passArgs, ["-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root"]);
    assert.equal(a.ignoreDots, true);
    assert.deepEqual(a.xsmtp, { "on-sign-failure": "keep" });
    const b = parseSendmailArgs(["-f", "x@y", "-N", "never", "-t", "a@b", "c@d"]);
    assert.deepEqual([b.recipients, b.readRecipientsFromHeader, b.ignoreDots], [["a@b", "c@d"], true, false]);
    assert.equal(parseSendmailArgs(["-bp"]).notDelivery, true);
    assert.equal(parseSendmailArgs(["-bm", "a@b"]).notDelivery, false);
  });

  it("recipients from argv and, with -t, To/Cc/Bcc, unique and lower-cased", () => {
    const fields = [
      { name: "To", value: " Bob <Bob@Other.org>, carol@third.example" },
      { name: "Bcc", value: " hidden@fourth.example" },
      { name: "Reply-To", value: " nobody@else.example" },
    ];
    assert.deepEqual(recipientsOf(["bob@other.org"], fields, true), ["bob@other.org", "carol@third.example", "hidden@fourth.example"]);
    assert.deepEqual(recipientsOf(["bob@other.org"], fields, false), ["bob@other.org"]);
  });

  it("the '.' line is found across chunk boundaries, with LF or CRLF", async () => {
    const collect = async (chunks: string[]) => {
      const out: Buffer[] = [];
      for await (const c of untilDotLine((async function* () { for (const s of chunks) yield Buffer.from(s); })())) out.push(c);
      return Buffer.concat(out).toString();
    };
    assert.equal(await collect(["a\n", ".", "\nb\n"]), "a\n");
    assert.equal(await collect(["a\r\n.\r", "\nb"]), "a\r\n");
    assert.equal(await collect([".\n"]), "");
    assert.equal(await collect(["a\n..\nb\n.x\n"]), "a\n..\nb\n.x\n");
    assert.equal(await collect(["a\n."]), "a\n.");
  });
});
