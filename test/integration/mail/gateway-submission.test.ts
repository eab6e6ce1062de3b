/**
 * How the gateway tells outgoing mail, with a real Postfix in front of it
 * (issue 11): the ORIGINATING submission service signs without a login; a plain smtpd from a
 * non-internal address (XSMTP_MILTER_INTERNAL_HOSTS=none) does not. The
 * milter runs on a unix socket (XSMTP_MILTER=unix:/path) throughout.
 *
 * References: mail/gateway/README.md (Deploying with Postfix, steps 2 and 4);
 * mail/gateway/route.ts; Postfix SASL_README, MILTER_README.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { enroll, nextDelivery, swaks } from "../../support/gateway-stack.js";
import { startSubmissionStack, type SubmissionStack } from "../../support/gateway-submission.js";

const unfold = (text: string) => text.replace(/\r?\n[ \t]+/g, " ");

describe("gateway submission routes through a real Postfix: ORIGINATING, unix socket", { timeout: 180_000 }, () => {
  let stack: SubmissionStack;
  const seen = new Set<string>();

  before(async () => {
    stack = await startSubmissionStack();
    await enroll(stack.gateway, "alice@example.org");
  });
  after(async () => {
    await stack?.stop();
  });

  const send = async (port: number, subject: string) => {
    const r = await swaks(port, ["--from", "alice@example.org", "--to", "bob@other.org", "--header", `Subject: ${subject}`, "--body", "Lunch at noon?"]);
    assert.equal(r.code, 0, r.out);
    const mail = await nextDelivery(stack.mta, seen);
    assert.match(mail, new RegExp(`^Subject: ${subject}$`, "m"), "the delivery is the message just sent");
    return mail;
  };
  const signedBy = (mail: string) => /^X-XMPP-Identity: (.*)$/m.exec(unfold(mail))?.[1];

  it("the ORIGINATING service signs without a login, from a non-internal client", async () => {
    const mail = await send(stack.ports.originating, "Originating");
    assert.equal(signedBy(mail), "alice@example.org", mail);
  });

  it("the plain smtpd, no login, loopback not internal: not outgoing, delivered unsigned", async () => {
    const mail = await send(stack.ports.plain, "Plain");
    assert.ok(!/X-XMPP-Hash/i.test(mail), mail);
    assert.match(stack.gateway.process!.output(), /not signed, and not outgoing/);
  });

  it("Postfix reached the milter on its unix socket every time (no milter errors logged)", async () => {
    const log = await stack.mta.log();
    assert.ok(!/milter.*(error|can't connect|Permission denied)/i.test(log), log.slice(-3000));
    assert.match(stack.gateway.env.XSMTP_MILTER!, /^unix:\//);
  });
});
