/**
 * The mail gateway with the real parts (issue 11): alice@example.org submits
 * with swaks to example.org's Postfix, whose milter is xsmtp.example.org's
 * `xsmtp run`; it signs with alice's gateway key and relays to other.org's
 * Postfix, whose milter (xsmtp.other.org) asks xsmtp.example.org over
 * Prosody and marks the message. Then: alice's node shows the whole story, a
 * tampered copy is rejected, quarantined or marked per XSMTP_MILTER_ON_FAIL,
 * SpamAssassin scores what the rule file says, and mail keeps flowing with
 * XSMTP or the XMPP server down (milter_default_action = accept).
 *
 * References: PROTOCOL.md §5.1, §5.2, §6, §11; RFC 8601 §5; mail/gateway/README.md.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runXsmtp } from "../../../devtools/xsmtp-process.js";
import { enroll, nextDelivery, startGatewayStack, swaks, type GatewayStack } from "../../support/gateway-stack.js";
import { progressStages } from "../../support/gateway-progress.js";
import { spamScore } from "../../support/spamassassin.js";

const unfold = (text: string) => text.replace(/\r?\n[ \t]+/g, " ");
const topAuthResults = (mail: string) => /^Authentication-Results: (.*)$/m.exec(unfold(mail))?.[1] ?? "";
const tamper = (mail: string) => mail.replace(/^Return-Path: .*\n/, "").replace("Lunch at noon?", "Lunch at one?");

describe("the mail gateway between two private Postfix instances and Prosody", { timeout: 240_000 }, () => {
  let stack: GatewayStack;
  let first = "";
  let messageId = "";
  const seen = new Set<string>();

  before(async () => {
    stack = await startGatewayStack({ XSMTP_MILTER_ON_FAIL: "reject" });
    await enroll(stack.sender, "alice@example.org");
    await stack.prosody.register("alice", "example.org", "alicepass");
  });
  after(async () => {
    await stack?.stop();
  });

  const submit = (subject: string) =>
    swaks(stack.senderMta.smtpPort, ["--from", "alice@example.org", "--to", "bob@other.org", "--header", `Subject: ${subject}`, "--body", "Lunch at noon?"]);

  it("mail submitted to example.org arrives at other.org signed and verified: xsmtp=pass, once", async (t) => {
    const started = performance.now();
    const sent = await submit("Lunch");
    assert.equal(sent.code, 0, sent.out);
    first = await nextDelivery(stack.receiverMta, seen);
    t.diagnostic(`submission to delivery through both gateways: ${Math.round(performance.now() - started)} ms`);
    const ar = topAuthResults(first);
    assert.match(ar, /^mx\.other\.org; xsmtp=pass header\.j=alice@example\.org header\.k=gateway-[0-9a-f]{6} header\.from=alice@example\.org policy\.from-authorized=yes policy\.from-aligned=yes$/, first);
    assert.equal(first.match(/xsmtp=pass/g)?.length, 1, "one verdict, no second gateway field");
    const hash = unfold(/^X-XMPP-Hash: .*$/m.exec(unfold(first))?.[0] ?? "");
    assert.match(hash, /; ip=127\.0\.0\.1;/, "ip= is the submitting client");
    assert.match(first, /^X-XMPP-Identity: alice@example\.org$/m);
    messageId = /^Message-Id: <(.*)>$/im.exec(first)![1]!;
    // The key is an ordinary key: `xsmtp user info` lists it, so an admin can revoke gateway signing alone.
    const info = await runXsmtp(["user", "info", "alice@example.org"], stack.sender.env);
    assert.match(info.stdout.toString(), /gateway-[0-9a-f]{6}/, info.stdout + info.stderr);
  });

  it("alice's node shows submitted (other.org), relayed, verified by xsmtp.other.org and delivered", async () => {
    const stages = await progressStages(stack.prosody.c2sPort, "alice@example.org", "alicepass", messageId, 4);
    assert.deepEqual(stages.map((s) => `${s.stage} ${s.by}${s.domains ? " " + s.domains : ""}`), [
      "submitted xsmtp.example.org other.org",
      "relayed xsmtp.example.org",
      "verified xsmtp.other.org",
      "delivered xsmtp.other.org",
    ]);
  });

  it("SpamAssassin scores the verified message with XSMTP_PASS_ALIGNED (-3)", async () => {
    const score = await spamScore(first, "mx.other.org");
    assert.ok(score.tests.includes("XSMTP_PASS_ALIGNED"), score.status);
    assert.ok(!score.tests.includes("XSMTP_FAIL"), score.status);
  });

  it("a tampered copy injected at other.org is rejected: 550 5.7.1 with the reason (ON_FAIL=reject)", async () => {
    const r = await inject(stack, tamper(first));
    assert.match(r.out, /550 5\.7\.1 XSMTP signature failed \(body-hash-mismatch\)/, r.out);
    assert.equal((await stack.receiverMta.delivered()).length, 1);
  });

  it("with ON_FAIL=quarantine the tampered copy is accepted and held by Postfix", async () => {
    await stack.receiver.stop();
    await stack.receiver.start({ XSMTP_MILTER_ON_FAIL: "quarantine" });
    const r = await inject(stack, tamper(first));
    assert.equal(r.code, 0, r.out);
    await waitForLog(stack, /milter-hold: END-OF-MESSAGE/, stack.receiver.process?.output());
    assert.equal((await stack.receiverMta.delivered()).length, 1, "held, not delivered");
  });

  let marked = "";
  it("with ON_FAIL=mark it is delivered with xsmtp=fail, the copied pass verdict deleted; SpamAssassin adds XSMTP_FAIL", async () => {
    await stack.receiver.stop();
    await stack.receiver.start({ XSMTP_MILTER_ON_FAIL: "mark" });
    const r = await inject(stack, tamper(first));
    assert.equal(r.code, 0, r.out);
    marked = await nextDelivery(stack.receiverMta, seen);
    assert.match(topAuthResults(marked), /^mx\.other\.org; xsmtp=fail reason="body-hash-mismatch" header\.j=alice@example\.org/);
    assert.ok(!marked.includes("xsmtp=pass"), "the forged (copied) pass field of our authserv-id is gone");
    const score = await spamScore(marked, "mx.other.org");
    assert.ok(score.tests.includes("XSMTP_FAIL"), score.status);
    assert.ok(!score.tests.includes("XSMTP_PASS_ALIGNED"), score.status);
  });

  it("XSMTP stopped mid-run loses no mail: Postfix accepts and delivers unsigned (milter_default_action = accept)", async () => {
    await Promise.all([stack.sender.stop(), stack.receiver.stop()]);
    const r = await submit("While XSMTP is down");
    assert.equal(r.code, 0, r.out);
    const mail = await nextDelivery(stack.receiverMta, seen);
    assert.match(mail, /Subject: While XSMTP is down/);
    assert.ok(!/X-XMPP-Hash/.test(mail) && !/Authentication-Results/.test(mail), mail);
    await Promise.all([stack.sender.start(), stack.receiver.start()]);
  });

  it("with the XMPP server down, the sender still signs (in process) and the receiver marks temperror and accepts", async () => {
    stack.prosody.kill();
    const r = await submit("While Prosody is down");
    assert.equal(r.code, 0, r.out);
    const mail = await nextDelivery(stack.receiverMta, seen, 40_000);
    assert.match(mail, /^X-XMPP-Hash: /m, `${mail}\n--- sender ---\n${stack.sender.process?.output().slice(-3000)}`);
    assert.match(topAuthResults(mail), /^mx\.other\.org; xsmtp=temperror reason="[a-z-]+" header\.j=alice@example\.org/);
  });
});

/** Sends a whole message (a file, as swaks --data reads it) straight to other.org's Postfix. */
async function inject(stack: GatewayStack, message: string): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-inject-"));
  try {
    await writeFile(join(dir, "message.eml"), message);
    return await swaks(stack.receiverMta.smtpPort, ["--from", "alice@example.org", "--to", "bob@other.org", "--data", join(dir, "message.eml")]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitForLog(stack: GatewayStack, pattern: RegExp, more = ""): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (pattern.test(await stack.receiverMta.log())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no ${pattern} in the Postfix log:\n${(await stack.receiverMta.log()).slice(-3000)}\n${more.slice(-3000)}`);
}
