/**
 * Verification through a real Prosody: keys enrolled, rotated and revoked
 * with the `xsmtp user` CLI while the component runs, and a verifier on
 * other.org asking about messages signed with them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Client } from "@xmpp/client";
import { decodeSecret } from "../../../signature/index.js";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { connectClient, closeClient } from "../../../devtools/xmpp-client.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { enrollWithCli, userWithCli, type IssuedKeyJson } from "../../../devtools/xsmtp-user.js";
import { aliceMessage, sign, verifyIq } from "../../../devtools/load/signed-message.js";

const SECRET = "component-secret-for-tests";
const NS = "urn:xmpp:xsmtp:0";

describe("verification through Prosody", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let bob: Client;
  const user = (...args: string[]) => userWithCli<IssuedKeyJson>(args, svc.env);
  const ask = async (signature: string, sent: { name: string; value: string }[]) => {
    const iq = verifyIq("x", signature, sent);
    delete iq.attrs.id;
    delete iq.attrs.from;
    const reply = await bob.iqCaller.request(iq);
    return reply.getChild("verification", NS)!.attrs;
  };
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET });
    await prosody.register("bob", "other.org", "bobpass");
    svc = await startTestService(prosody.componentPort, SECRET);
    bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
  });
  after(async () => {
    await closeClient(bob);
    await svc?.stop();
    await prosody?.stop();
  });

  it("a message signed with a freshly enrolled key passes; a changed header fails", async () => {
    const enrolled = await enrollWithCli("alice@example.org", svc.env, "laptop");
    assert.equal(enrolled.secret.length, 43);
    const secret = decodeSecret(enrolled.secret)!;
    const { signature, sent } = sign(aliceMessage({ "Message-ID": "<it-1@example.org>" }), { keyId: enrolled.key_id, secret, t: now() });
    assert.deepEqual({ ...(await ask(signature, sent)) }, { xmlns: NS, result: "pass", jid: "alice@example.org", key: enrolled.key_id });
    const tampered = sent.map((f) => (f.name === "To" ? { ...f, value: " eve@other.org" } : f));
    const failed = await ask(signature, tampered);
    assert.equal(failed.result, "fail");
    assert.equal(failed.reason, "signature-mismatch");
  });

  it("rotation retires the old key: old mail still passes, new mail with it fails key-retired", async () => {
    const first = await user("add-key", "alice@example.org", "--label", "phone");
    const secret = decodeSecret(first.secret)!;
    const before = sign(aliceMessage({ "Message-ID": "<it-2@example.org>" }), { keyId: first.key_id, secret, t: now() - 5 });
    const rotated = await user("rotate-key", "alice@example.org", first.key_id);
    assert.notEqual(rotated.key_id, first.key_id);
    assert.equal((await ask(before.signature, before.sent)).result, "pass");
    const afterRotation = sign(aliceMessage({ "Message-ID": "<it-3@example.org>" }), { keyId: first.key_id, secret, t: now() + 1 });
    assert.equal((await ask(afterRotation.signature, afterRotation.sent)).reason, "key-retired");
    const fresh = sign(aliceMessage({ "Message-ID": "<it-4@example.org>" }), { keyId: rotated.key_id, secret: decodeSecret(rotated.secret)!, t: now() });
    assert.equal((await ask(fresh.signature, fresh.sent)).result, "pass");
  });

  it("revocation by the CLI takes effect at once: key-revoked", async () => {
    const key = await user("add-key", "alice@example.org", "--label", "tablet");
    const msg = sign(aliceMessage({ "Message-ID": "<it-5@example.org>" }), { keyId: key.key_id, secret: decodeSecret(key.secret)!, t: now() });
    assert.equal((await ask(msg.signature, msg.sent)).result, "pass");
    await user("revoke-key", "alice@example.org", key.key_id);
    const after = await ask(msg.signature, msg.sent);
    assert.equal(after.result, "fail");
    assert.equal(after.reason, "key-revoked");
  });

  it("unknown identities and wrong services are permerrors", async () => {
    const secret = Buffer.alloc(32, 1);
    const unknown = sign(aliceMessage(), { jid: "nobody@example.org", keyId: "k1", secret, t: now() });
    assert.equal((await ask(unknown.signature, unknown.sent)).reason, "identity-unknown");
    const wrong = sign(aliceMessage(), { jid: "carol@other.org", keyId: "k1", secret, t: now() });
    assert.equal((await ask(wrong.signature, wrong.sent)).reason, "wrong-service");
  });

  it("the database file holds no secret", async () => {
    const key = await user("add-key", "alice@example.org");
    const raw = decodeSecret(key.secret)!;
    for (const file of [svc.env.XSMTP_DATABASE!, `${svc.env.XSMTP_DATABASE}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      assert.equal(bytes.indexOf(raw), -1, `${file} holds a raw secret`);
      assert.equal(bytes.indexOf(Buffer.from(key.secret)), -1, `${file} holds an encoded secret`);
    }
  });
});
