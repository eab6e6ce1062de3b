/**
 * Mail for the Thunderbird tests: a plain message from alice@example.org to
 * bob@other.org, and a signer that enrolls alice at the test service and
 * signs with `xsmtp sign` (the CLI a sender's mail client would run).
 *
 * References: PROTOCOL.md §3; mail/README.md (xsmtp sign).
 */
import assert from "node:assert/strict";
import type { TestService } from "../../support/in-process-service.js";
import { runCli } from "../../support/mail-cli.js";

export function message(subject: string, id: string): Buffer {
  return Buffer.from(
    `From: Alice Example <alice@example.org>\nTo: bob@other.org\nSubject: ${subject}\nDate: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <${id}@example.org>\n\nHello Bob,\nlunch at noon?\n`,
  );
}

/** Enrolls alice@example.org (a fresh key) and returns its id and a signing function. */
export async function aliceSigner(svc: TestService): Promise<{ keyId: string; sign(m: Buffer): Promise<Buffer> }> {
  const issued = await svc.service.features.identities.core.enroll("alice@example.org", "laptop");
  assert.ok(typeof issued !== "string", String(issued));
  const env = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: issued.keyId, XSMTP_SIGNING_SECRET: issued.secret };
  return {
    keyId: issued.keyId,
    async sign(m: Buffer) {
      const r = await runCli(["sign"], env, m);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    },
  };
}
