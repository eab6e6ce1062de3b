/**
 * Issue 11: a SASL-authenticated submission is outgoing ({auth_authen} set),
 * and the gateway signs it only when the login is the From address's
 * identity. Real Postfix, real SASL: Postfix asks a private Dovecot
 * (passwd-file) on its auth socket; XSMTP_MILTER_INTERNAL_HOSTS=none and
 * no ORIGINATING on this smtpd, so the login alone decides. Dovecot missing
 * fails the test with what to install; it is never skipped.
 *
 * References: mail/gateway/route.ts (loginIs); mail/gateway/README.md
 * (Deploying with Postfix, step 4); Postfix SASL_README (Dovecot SASL).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { enroll, nextDelivery, swaks } from "../../support/gateway-stack.js";
import { startSubmissionStack, type SubmissionStack } from "../../support/gateway-submission.js";

const unfold = (text: string) => text.replace(/\r?\n[ \t]+/g, " ");
const LOGINS = { "alice@example.org": "alice-sasl-pw", "bob@example.org": "bob-sasl-pw" };

describe("gateway signs SASL submissions only for the login's own identity (Postfix + Dovecot SASL)", { timeout: 180_000 }, () => {
  let stack: SubmissionStack;
  const seen = new Set<string>();

  before(async () => {
    stack = await startSubmissionStack(LOGINS);
    await enroll(stack.gateway, "alice@example.org");
    await enroll(stack.gateway, "bob@example.org");
  });
  after(async () => {
    await stack?.stop();
  });

  const submit = (login: string, password: string, subject: string) =>
    swaks(stack.ports.sasl!, ["--auth", "PLAIN", "--auth-user", login, "--auth-password", password, "--from", "alice@example.org", "--to", "carol@other.org", "--header", `Subject: ${subject}`, "--body", "Minutes attached."]);
  const delivered = async (subject: string) => {
    const mail = await nextDelivery(stack.mta, seen);
    assert.match(mail, new RegExp(`^Subject: ${subject}$`, "m"), "the delivery is the message just sent");
    return mail;
  };

  it("the login alice@example.org sends From alice: signed as alice", async () => {
    const r = await submit("alice@example.org", LOGINS["alice@example.org"], "Own login");
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /235 /, "Postfix authenticated the login through Dovecot");
    const mail = unfold(await delivered("Own login"));
    assert.match(mail, /^X-XMPP-Identity: alice@example\.org$/m, mail);
    assert.match(mail, /^X-XMPP-Hash: /m, mail);
  });

  it("the login bob@example.org (enrolled too) sends From alice: delivered unsigned", async () => {
    const r = await submit("bob@example.org", LOGINS["bob@example.org"], "Other login");
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /235 /, r.out);
    const mail = await delivered("Other login");
    assert.ok(!/X-XMPP-Hash/i.test(mail), mail);
    assert.match(stack.gateway.process!.output(), /the SASL login is not the From address's identity/);
  });

  it("a wrong password is refused by Postfix: SASL is really checked, not assumed", async () => {
    const r = await submit("alice@example.org", "wrong", "Wrong password");
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /535 /, r.out);
  });
});
