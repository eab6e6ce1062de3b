/**
 * `xsmtp verify` (the built CLI) against hostile XSMTP components attached
 * to the same private Prosody as the real service: evil.example answers
 * verify IQs with claims of its own, many.example lists 1000 items and items
 * outside itself, slow.example never answers disco#info, trap.example (an
 * item outside the others' domains) must never be asked. No pass for an
 * identity that did not sign; exact report lines; no stall past a deadline;
 * a batch goes on past refused messages.
 *
 * References: PROTOCOL.md §3.1, §4, §5.1, §5.2.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import xml from "@xmpp/xml";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { attachHostile, type HostileComponent } from "../../support/hostile-service.js";
import { HOSTILE, hostileMessage, signerOf } from "../../support/hostile-answers.js";
import { runCli } from "../../support/mail-cli.js";

const SECRET = "component-secret-for-hostile-tests";
const NS = "urn:xmpp:xsmtp:0";
const item = (attrs: Record<string, string>) => xml("item", attrs);
const fixture = (name: string) => readFileSync(new URL(`../../../../test/fixtures/mail/${name}`, import.meta.url));

describe("xsmtp verify against hostile services (through Prosody)", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let evil: HostileComponent, many: HostileComponent, slow: HostileComponent, trap: HostileComponent;
  let verifier: Record<string, string>;
  let signer: Record<string, string>;
  const verify = (input: Buffer, args: string[] = []) => runCli(["verify", ...args], verifier, input);

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET, extraComponents: ["evil.example", "many.example", "slow.example", "trap.example"] });
    await prosody.register("bob", "other.org", "bobpass");
    svc = await startTestService(prosody.componentPort, SECRET);
    const issued = await svc.service.features.identities.core.enroll("alice@example.org", "laptop");
    assert.ok(typeof issued !== "string", String(issued));
    signer = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: issued.keyId, XSMTP_SIGNING_SECRET: issued.secret };
    const port = prosody.componentPort;
    evil = await attachHostile(port, "evil.example", SECRET, {
      items: () => [item({ jid: "trap.example" }), item({ jid: "evil.example", node: "n" }), item({ jid: "x@evil.example" }), item({ jid: "evil.example" })],
      info: () => xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }, xml("feature", { var: NS })),
      verify: (payload) => {
        const { k, j } = signerOf(payload);
        return HOSTILE[k]!(k, j);
      },
    });
    many = await attachHostile(port, "many.example", SECRET, {
      items: () => [item({ jid: "trap.example" }), ...Array.from({ length: 1000 }, () => item({ jid: "many.example" }))],
    });
    slow = await attachHostile(port, "slow.example", SECRET, { items: () => [item({ jid: "slow.example" })], info: () => "silent" });
    trap = await attachHostile(port, "trap.example", SECRET, {});
    verifier = { XSMTP_VERIFIER_JID: "bob@other.org", XSMTP_VERIFIER_PASSWORD: "bobpass", XSMTP_VERIFIER_SERVER: `xmpp://127.0.0.1:${prosody.c2sPort}` };
  });
  after(async () => {
    for (const c of [evil, many, slow, trap]) await c?.stop();
    await svc?.stop();
    await prosody?.stop();
  });

  it("a pass claimed about alice@example.org is a bad-answer naming mallory only (exit 3)", async () => {
    const r = await verify(hostileMessage({ keyId: "claim-alice", from: "Alice <alice@example.org>" }));
    assert.equal(r.stdout.toString(), 'Authentication-Results: other.org; xsmtp=temperror reason="bad-answer"\n header.j=mallory@evil.example header.k=claim-alice\n header.from=alice@example.org policy.from-aligned=no\n');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /the answer of evil\.example about mallory@evil\.example was refused: an answer about another identity/);
  });

  it("mallory's service may authorize him as alice: a pass for mallory, not aligned, none of its text printed", async () => {
    const r = await verify(hostileMessage({ keyId: "authorize-anyone", from: "Alice <alice@example.org>" }));
    assert.equal(r.stdout.toString(), "Authentication-Results: other.org; xsmtp=pass header.j=mallory@evil.example\n header.k=authorize-anyone header.from=alice@example.org\n policy.from-authorized=yes policy.from-aligned=no\n");
    assert.equal(r.code, 0);
  });

  for (const k of ["other-key", "reason-crlf", "reason-unknown", "reason-on-pass", "reason-long", "no-seen", "seen-garbage", "no-result", "wrong-ns", "error-odd"]) {
    it(`${k}: temperror bad-answer, exact line, ASCII`, async () => {
      const r = await verify(hostileMessage({ keyId: k }));
      assert.equal(r.stdout.toString(), `Authentication-Results: other.org; xsmtp=temperror reason="bad-answer"\n header.j=mallory@evil.example header.k=${k}\n header.from=mallory@evil.example policy.from-aligned=yes\n`);
      assert.equal(r.code, 3);
    });
  }

  it("a service that never answers: temperror timeout within --timeout", async () => {
    const started = Date.now();
    const r = await verify(hostileMessage({ keyId: "silent" }), ["--timeout", "2"]);
    assert.match(r.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=temperror reason="timeout"\n/);
    assert.ok(Date.now() - started < 8000, `${Date.now() - started} ms`);
  });

  it("1000 items: 10 asked, then no-service (exit 2); the item outside the domain is never asked", async () => {
    const r = await verify(hostileMessage({ keyId: "honest-fail", jid: "mallory@many.example", from: "m@many.example" }));
    assert.match(r.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=permerror reason="no-service"\n/);
    assert.equal(many.asked.filter((a) => a.endsWith("#info")).length, 10);
  });

  it("disco#info that never comes: discovery-failed once the one deadline passes (exit 3)", async () => {
    const started = Date.now();
    const r = await verify(hostileMessage({ keyId: "honest-fail", jid: "mallory@slow.example", from: "m@slow.example" }), ["--discovery-timeout", "2"]);
    assert.match(r.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=temperror reason="discovery-failed"\n/);
    assert.equal(r.code, 3);
    assert.ok(Date.now() - started < 8000, `${Date.now() - started} ms`);
  });

  it("a forged signature for alice with s= pointing at evil.example: s= ignored, alice's service says fail", async () => {
    const before = evil.asked.length;
    const r = await verify(hostileMessage({ keyId: "laptop", jid: "alice@example.org", from: "alice@example.org", s: "evil.example" }));
    assert.match(r.stdout.toString(), /^Authentication-Results: other\.org; xsmtp=(fail|permerror) reason="(signature-mismatch|key-unknown)"\n header\.j=alice@example\.org/);
    assert.equal(evil.asked.length, before, "the hostile service was never asked about alice");
  });

  it("--batch: a malformed message between good ones is refused and the session goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xsmtp-hostile-batch-"));
    const good = (await runCli(["sign"], signer, fixture("lf-only.eml"))).stdout;
    writeFileSync(join(dir, "1-good.eml"), good);
    writeFileSync(join(dir, "2-two-froms.eml"), Buffer.concat([Buffer.from("From: eve@evil.example\n"), good]));
    writeFileSync(join(dir, "3-bare-cr.eml"), Buffer.concat([Buffer.from("X-Note: a\rb\n"), good]));
    writeFileSync(join(dir, "4-good.eml"), good);
    const r = await verify(Buffer.alloc(0), ["--batch", dir]);
    assert.equal(r.stdout.toString(), "1-good.eml\tpass\t-\n2-two-froms.eml\tpermerror\tduplicate-header\n3-bare-cr.eml\tpermerror\tmalformed-message\n4-good.eml\tpass\t-\n");
    assert.equal(r.code, 2);
  });

  it("nothing ever asked trap.example", () => {
    assert.deepEqual(trap.asked, []);
  });
});
