/**
 * The mail gateway across two federated Prosody servers, as on the
 * internet: example.org's server hosts xsmtp.example.org, other.org's hosts
 * xsmtp.other.org; the receiving gateway's component discovers and asks the
 * sender's service over s2s, and reports delivered the same way.
 *
 * References: PROTOCOL.md §4, §5, §6; XEP-0114; RFC 6120 §13 (s2s, dialback XEP-0220).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { performance } from "node:perf_hooks";
import { startDnsStub, type DnsStub } from "../../../devtools/servers/dns-stub.js";
import { enroll, nextDelivery, startGatewayStack, swaks, type GatewayStack } from "../../support/gateway-stack.js";
import { progressStages } from "../../support/gateway-progress.js";

const unfold = (text: string) => text.replace(/\r?\n[ \t]+/g, " ");

describe("the mail gateway across two federated Prosody servers", { timeout: 120_000 }, () => {
  let dns: DnsStub;
  let stack: GatewayStack;
  before(async () => {
    dns = await startDnsStub();
    stack = await startGatewayStack({}, { dnsPort: dns.port });
    await enroll(stack.sender, "alice@example.org");
    await stack.prosody.register("alice", "example.org", "alicepass");
  });
  after(async () => {
    await stack?.stop();
    await dns?.close();
  });

  it("signed at example.org, verified by xsmtp.other.org over s2s: xsmtp=pass; delivered reaches alice's node", async (t) => {
    const started = performance.now();
    const sent = await swaks(stack.senderMta.smtpPort, ["--from", "alice@example.org", "--to", "bob@other.org", "--header", "Subject: Across s2s", "--body", "Hello."]);
    assert.equal(sent.code, 0, sent.out);
    const mail = await nextDelivery(stack.receiverMta, new Set(), 40_000);
    t.diagnostic(`submission to delivery across s2s (first contact: dialback, discovery): ${Math.round(performance.now() - started)} ms`);
    assert.match(unfold(mail), /^Authentication-Results: mx\.other\.org; xsmtp=pass header\.j=alice@example\.org header\.k=gateway-[0-9a-f]{6} header\.from=alice@example\.org policy\.from-authorized=yes policy\.from-aligned=yes$/m,
      `${mail}\n--- receiver ---\n${stack.receiver.process?.output().slice(-3000)}`);
    const messageId = /^Message-Id: <(.*)>$/im.exec(mail)![1]!;
    const stages = await progressStages(stack.prosody.c2sPort, "alice@example.org", "alicepass", messageId, 4);
    assert.deepEqual(stages.map((s) => `${s.stage} ${s.by}`), ["submitted xsmtp.example.org", "relayed xsmtp.example.org", "verified xsmtp.other.org", "delivered xsmtp.other.org"]);
  });
});
