/**
 * The mail-side loop through a real Prosody, with the built CLI: sign →
 * verify (pass 0), tampered body (fail 1), tampered signed header (fail 1),
 * unknown identity (permerror 2), --add-header, --batch over one session,
 * --report delivered, sendmail with a fake sendmail publishing `submitted`,
 * and the server gone (temperror 3). Discovery is exercised: no s= is set.
 *
 * Uses the private Prosody of devtools/servers/prosody.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { fakeSendmail } from "../../support/fake-sendmail.js";
import { runCli } from "../../support/mail-cli.js";

const COMPONENT_SECRET = "component-secret-for-mail-tests";
const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

describe("mail tools through Prosody", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let signer: Record<string, string>;
  let verifier: Record<string, string>;
  const verify = (input: Buffer, args: string[] = []) => runCli(["verify", ...args], verifier, input);
  const unfold = (b: Buffer) => b.toString().replace(/\r?\n /g, " ");

  before(async () => {
    prosody = await startProsody({ componentSecret: COMPONENT_SECRET });
    await prosody.register("bob", "other.org", "bobpass");
    await prosody.register("alice", "example.org", "alicepass");
    svc = await startTestService(prosody.componentPort, COMPONENT_SECRET);
    const issued = await svc.service.features.identities.core.enroll("alice@example.org", "laptop");
    assert.ok(typeof issued !== "string", String(issued));
    signer = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: issued.keyId, XSMTP_SIGNING_SECRET: issued.secret };
    verifier = { XSMTP_VERIFIER_JID: "bob@other.org", XSMTP_VERIFIER_PASSWORD: "bobpass", XSMTP_VERIFIER_SERVER: `xmpp://127.0.0.1:${prosody.c2sPort}` };
  });
  let serverStopped = false;
  after(async () => {
    if (serverStopped) return;
    await svc?.stop();
    await prosody?.stop();
  });

  it("sign → verify passes (exit 0); a changed body or signed header fails (exit 1)", async () => {
    const signed = (await runCli(["sign"], signer, fixture("multipart-attachment.eml"))).stdout;
    const pass = await verify(signed);
    assert.equal(pass.code, 0, pass.stderr + pass.stdout);
    assert.match(unfold(pass.stdout), /^Authentication-Results: other\.org; xsmtp=pass header\.j=alice@example\.org header\.k=\S+ header\.from=alice@example\.org policy\.from-authorized=yes policy\.from-aligned=yes\n$/);
    const body = await verify(Buffer.from(signed.toString("latin1").replace("attached.", "attached!"), "latin1"));
    assert.equal(body.code, 1);
    assert.match(unfold(body.stdout), /reason="body-hash-mismatch"/);
    const header = await verify(Buffer.from(signed.toString("latin1").replace("Subject: Quarterly", "Subject: Yearly"), "latin1"));
    assert.equal(header.code, 1);
    assert.match(unfold(header.stdout), /xsmtp=fail reason="signature-mismatch"/);
  });

  it("an identity the service does not know is permerror (exit 2)", async () => {
    const env = { ...signer, XSMTP_SIGNING_JID: "carol@example.org" };
    const signed = (await runCli(["sign"], env, fixture("lf-only.eml"))).stdout;
    const r = await verify(signed);
    assert.equal(r.code, 2);
    assert.match(unfold(r.stdout), /xsmtp=permerror reason="identity-unknown"/);
  });

  it("--add-header writes the message with the field on top; --report delivered publishes", async () => {
    const signed = (await runCli(["sign"], signer, fixture("8bit-encoded-words.eml"))).stdout;
    const r = await verify(signed, ["--add-header", "--report", "delivered"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.ok(r.stdout.subarray(r.stdout.length - signed.length).equals(signed));
    assert.match(r.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=pass/);
  });

  it("--batch verifies a directory over one session", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-batch-"));
    for (const name of ["long-folded.eml", "no-body.eml"]) writeFileSync(join(dir, name), (await runCli(["sign"], signer, fixture(name))).stdout);
    writeFileSync(join(dir, "unsigned.eml"), fixture("lf-only.eml"));
    const r = await verify(Buffer.alloc(0), ["--batch", dir]);
    assert.equal(r.stdout.toString(), "long-folded.eml\tpass\t-\nno-body.eml\tpass\t-\nunsigned.eml\tnone\tno-signature\n");
    assert.equal(r.code, 2);
  });

  it("sendmail signs, publishes submitted, and hands over; the recipient's verification passes", async () => {
    const fake = fakeSendmail(0);
    const env = { ...signer, XSMTP_SENDMAIL_PATH: fake.path, XSMTP_XMPP_PASSWORD: "alicepass", XSMTP_XMPP_SERVER: verifier.XSMTP_VERIFIER_SERVER! };
    const r = await runCli(["sendmail", "-t", "-i"], env, fixture("long-folded.eml"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "submitted was published without a warning");
    const v = await verify(fake.stdin());
    assert.equal(v.code, 0, v.stdout.toString());
    // bob@other.org is not among the published recipient domains (list*.example): a replay.
    assert.match(unfold(v.stdout), /policy\.replay=suspected/);
  });

  it("the server gone: temperror (exit 3)", async () => {
    const signed = (await runCli(["sign"], signer, fixture("lf-only.eml"))).stdout;
    await svc.stop();
    await prosody.stop();
    serverStopped = true;
    const r = await runCli(["verify", "--timeout", "3"], verifier, signed);
    assert.equal(r.code, 3);
    assert.match(unfold(r.stdout), /xsmtp=temperror reason="server-unreachable"/);
  });
});
