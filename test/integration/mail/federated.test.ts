/**
 * The mail loop across two federated Prosody servers, as on the internet:
 * alice@example.org signs on server A, which hosts the XSMTP component
 * xsmtp.example.org; bob@other.org verifies from server B. Service discovery
 * (disco#items on example.org, then disco#info) and the verify IQ cross s2s
 * from B to A, and the answers come back over s2s from A to B.
 *
 * Each server listens for s2s on its own loopback address; names resolve from
 * a hosts file, and a DNS stub answers NXDOMAIN so SRV look-ups do not stall.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { performance } from "node:perf_hooks";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { startDnsStub, type DnsStub } from "../../../devtools/servers/dns-stub.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { enrollWithCli } from "../../../devtools/xsmtp-user.js";
import { runCli } from "../../support/mail-cli.js";

const COMPONENT_SECRET = "component-secret-for-federated-mail-tests";
const A_ADDRESS = "127.0.0.2"; // example.org and xsmtp.example.org
const B_ADDRESS = "127.0.0.3"; // other.org
const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const unfold = (b: Buffer) => b.toString().replace(/\r?\n /g, " ");
/** verify --timeout: for the login and each request, well inside the step's own bound. */
const VERIFY_TIMEOUT_S = "10";
const STEP_MS = 20_000;

describe("mail across two federated Prosody servers (s2s)", { timeout: 60_000 }, () => {
  let dns: DnsStub;
  let a: ProsodyInstance;
  let b: ProsodyInstance;
  let svc: TestService;
  let signer: Record<string, string>;
  let verifier: Record<string, string>;
  let signed: Buffer;
  const verify = (input: Buffer) => runCli(["verify", "--timeout", VERIFY_TIMEOUT_S], verifier, input);
  const latin1 = (b: Buffer, from: string, to: string) => {
    const text = b.toString("latin1");
    assert.ok(text.includes(from), `the signed message contains ${from}`);
    return Buffer.from(text.replace(from, to), "latin1");
  };

  /** IQs from bob@other.org that server A received over s2s, addressed to `to` (from A's debug log). */
  const crossed = (to: string) =>
    a.log().split("\n").filter((line) => /Received\[s2sin\]: <iq /.test(line) && line.includes(`to='${to}'`) && line.includes("from='bob@other.org/")).length;

  before(async () => {
    dns = await startDnsStub();
    [a, b] = await Promise.all([
      startProsody({
        componentSecret: COMPONENT_SECRET,
        hosts: ["example.org"],
        s2s: { address: A_ADDRESS, peers: { "other.org": B_ADDRESS }, dnsPort: dns.port },
      }),
      startProsody({
        componentSecret: "server-b-has-no-component-attached",
        componentDomain: "unused.other.org",
        hosts: ["other.org"],
        s2s: { address: B_ADDRESS, peers: { "example.org": A_ADDRESS, "xsmtp.example.org": A_ADDRESS }, dnsPort: dns.port },
      }),
    ]);
    await Promise.all([a.register("alice", "example.org", "alicepass"), b.register("bob", "other.org", "bobpass")]);
    svc = await startTestService(a.componentPort, COMPONENT_SECRET);
    const issued = await enrollWithCli("alice@example.org", svc.env);
    signer = { XSMTP_SIGNING_JID: "alice@example.org", XSMTP_SIGNING_KEY_ID: issued.key_id, XSMTP_SIGNING_SECRET: issued.secret };
    verifier = { XSMTP_VERIFIER_JID: "bob@other.org", XSMTP_VERIFIER_PASSWORD: "bobpass", XSMTP_VERIFIER_SERVER: `xmpp://127.0.0.1:${b.c2sPort}` };
    const sign = await runCli(["sign"], signer, fixture("multipart-attachment.eml"));
    assert.equal(sign.code, 0, sign.stderr);
    signed = sign.stdout;
  });
  after(async () => {
    await svc?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await dns?.close();
  });

  it("bob@other.org verifies alice@example.org's message across s2s: pass (exit 0)", { timeout: STEP_MS }, async (t) => {
    const started = performance.now();
    const pass = await verify(signed);
    const ms = Math.round(performance.now() - started);
    t.diagnostic(`first verify across s2s (login, discovery, verify IQ): ${ms} ms`);
    assert.equal(pass.code, 0, `${pass.stderr}${pass.stdout}\n--- B ---\n${b.log().slice(-4000)}`);
    assert.match(
      unfold(pass.stdout),
      /^Authentication-Results: other\.org; xsmtp=pass header\.j=alice@example\.org header\.k=\S+ header\.from=alice@example\.org policy\.from-authorized=yes policy\.from-aligned=yes\n$/,
    );
    // Discovery (disco#items on example.org, disco#info on xsmtp.example.org) and the verify IQ came over s2s.
    assert.ok(crossed("example.org") >= 1, "disco#items crossed s2s");
    assert.ok(crossed("xsmtp.example.org") >= 2, "disco#info and the verify IQ crossed s2s");
  });

  it("one changed body byte fails (exit 1)", { timeout: STEP_MS }, async () => {
    const r = await verify(latin1(signed, "attached.", "attached!"));
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(unfold(r.stdout), /xsmtp=fail reason="body-hash-mismatch"/);
  });

  it("a changed signed header fails: signature-mismatch from the service across s2s (exit 1)", { timeout: STEP_MS }, async () => {
    const before = crossed("xsmtp.example.org");
    const r = await verify(latin1(signed, "Subject: Quarterly", "Subject: Yearly"));
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.ok(crossed("xsmtp.example.org") > before, "the service was asked over s2s");
    assert.match(unfold(r.stdout), /xsmtp=fail reason="signature-mismatch"/);
  });
});
