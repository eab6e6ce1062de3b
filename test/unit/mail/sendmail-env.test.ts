/**
 * `xsmtp sendmail` hands the real sendmail no XSMTP_* variable: not the
 * signing secret, not the XMPP password, not the component's secret. A
 * mail transfer agent, its queue runner or a delivery program has no use for
 * them and may log its environment. Only the loop guard is set.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { childEnv } from "../../../mail/sendmail/sendmail.js";
import { fakeSendmail, type FakeSendmail } from "../../support/fake-sendmail.js";
import { runCli, SECRET_TEXT, SIGNER_ENV } from "../../support/mail-cli.js";

const MESSAGE = "From: alice@example.org\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\nHi\r\n";

function secrets(fake: FakeSendmail): Record<string, string> {
  const file = (name: string, text: string) => {
    writeFileSync(join(fake.dir, name), text, { mode: 0o600 });
    return join(fake.dir, name);
  };
  return {
    ...SIGNER_ENV,
    XSMTP_SIGNING_SECRET_FILE: file("signing-secret", SECRET_TEXT + "\n"),
    XSMTP_XMPP_PASSWORD: "xmpp-password-do-not-pass",
    XSMTP_XMPP_PASSWORD_FILE: file("xmpp-password", "xmpp-password-file-do-not-pass\n"),
    XSMTP_XMPP_SERVER: "xmpp://127.0.0.1:1",
    XSMTP_SECRET: "component-secret-do-not-pass",
    XSMTP_VERIFIER_PASSWORD: "verifier-password-do-not-pass",
    XSMTP_VERIFIER_PASSWORD_FILE: file("verifier-password", "x\n"),
    XSMTP_SENDMAIL_PATH: fake.path,
    OTHER_SETTING: "kept",
  };
}

function assertClean(env: Record<string, string>): void {
  assert.deepEqual(Object.keys(env).filter((k) => /^xsmtp_/i.test(k)), ["XSMTP_SENDMAIL_ACTIVE"]);
  assert.equal(env.XSMTP_SENDMAIL_ACTIVE, "1");
  assert.equal(env.OTHER_SETTING, "kept", "everything else is passed on");
  const all = Object.values(env).join("\n");
  for (const secret of [SECRET_TEXT, "do-not-pass"]) assert.ok(!all.includes(secret), secret);
}

describe("xsmtp sendmail: the real sendmail's environment", () => {
  it("signing: no XSMTP_* variable reaches it but the loop guard", async () => {
    const fake = fakeSendmail(0);
    const r = await runCli(["sendmail", "-t", "-i"], secrets(fake), MESSAGE);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fake.stdin().toString().startsWith("X-XMPP-Hash:"), "signed");
    assertClean(fake.env());
    assert.ok(!r.stderr.includes("do-not-pass") && !r.stderr.includes(SECRET_TEXT), "no secret in warnings either");
  });

  it("pass-through (-bp) and a failed signing: the same", async () => {
    for (const [argv, env] of [
      [["-bp"], {}],
      [["-t", "-i"], { XSMTP_SIGNING_KEY_ID: "bad key" }],
    ] as const) {
      const fake = fakeSendmail(0);
      const r = await runCli(["sendmail", ...argv], { ...secrets(fake), ...env }, MESSAGE);
      assert.equal(r.code, 0, r.stderr);
      assertClean(fake.env());
    }
  });

  it("childEnv: drops every XSMTP_* key whatever its case, keeps the rest, sets the guard", () => {
    const env = { PATH: "/bin", HOME: "/home/a", XSMTP_SIGNING_SECRET: "s", xsmtp_lower: "l", XSMTP_SENDMAIL_ACTIVE: "0", NOT_XSMTP_X: "n" };
    assert.deepEqual(childEnv(env), { PATH: "/bin", HOME: "/home/a", NOT_XSMTP_X: "n", XSMTP_SENDMAIL_ACTIVE: "1" });
  });
});
