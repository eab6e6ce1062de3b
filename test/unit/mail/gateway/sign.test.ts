/**
 * The gateway signs outgoing mail of enrolled identities: whole decisions,
 * the progress it publishes, and a round trip (the signed message verifies
 * with the signature core under the gateway key).
 *
 * References: PROTOCOL.md §2 (ip=, old fields removed), §3, §6, §10; Postfix milter8.c (edit indexes).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayPolicy } from "../../../../mail/gateway/index.js";
import { coreVerifies } from "../../../support/core-verify.js";
import { applyEdits, fakeService, header, milterMessage, SETTINGS } from "../../../support/gateway-fakes.js";

const quiet = { info: () => undefined, warn: () => undefined };
const NOW = Date.UTC(2026, 10, 28, 10, 0, 0);
const BODY = Buffer.from("Hi Bob,  \r\n\r\nlunch\t at  noon?\r\n\r\n");
const aliceHeaders = () => [
  header("From", " Alice <alice@example.org>"),
  header("To", " bob@other.org, carol@Third.example"),
  header("Subject", " Lunch\n\ton Friday"),
  header("Date", " Sat, 28 Nov 2026 10:00:00 +0000"),
  header("Message-ID", " <m1@example.org>"),
];

async function run(policyService = fakeService({ identities: { "alice@example.org": "alice@example.org" } }), message = milterMessage({ client: "10.1.2.3", headers: aliceHeaders(), recipients: ["bob@other.org", "carol@Third.example", "dan@other.org"] })) {
  const policy = new GatewayPolicy({ service: policyService, settings: SETTINGS, log: quiet, now: () => NOW });
  policy.bodyChunk(BODY, (message.bodyBytes += BODY.length, message));
  return { decision: await policy.endOfMessage(message), service: policyService, message };
}

function rebuilt(headers: { name: string; value: string }[]): Buffer {
  return Buffer.from(headers.map((h) => `${h.name}:${h.value.replaceAll("\n", "\r\n")}\r\n`).join("") + "\r\n" + BODY.toString());
}

describe("gateway: signing outgoing mail", () => {
  it("an internal client's mail from an enrolled address: X-XMPP-Hash and X-XMPP-Identity inserted on top, submitted and relayed published", async () => {
    const { decision, service, message } = await run();
    assert.deepEqual(decision.verdict, { type: "continue" });
    const actions = decision.actions!;
    assert.deepEqual(actions.map((a) => [a.type, "index" in a ? a.index : undefined, "name" in a ? a.name : undefined]), [
      ["insertHeader", 0, "X-XMPP-Identity"],
      ["insertHeader", 0, "X-XMPP-Hash"],
    ]);
    const hash = actions[1]!.type === "insertHeader" ? actions[1]!.value : "";
    assert.match(hash.replace(/\r\n /g, " "), /^ v=1; a=hmac-sha256; j=alice@example\.org; k=gateway-0a1b2c; t=1795860000; ip=10\.1\.2\.3; h=from:from:sender:reply-to:to:to:cc:subject:subject:date:date:message-id:message-id:in-reply-to:references:mime-version:content-type:content-transfer-encoding:x-xmpp-identity:x-xmpp-identity; bh=[A-Za-z0-9+/=]+; b=[A-Za-z0-9+/=]+$/);
    // Folded at "; " (never inside a tag: h= alone is longer than 78), well under 998 octets a line.
    assert.ok(hash.includes(";\r\n ") && hash.split("\r\n").every((line) => line.length <= 998), "folded");
    assert.deepEqual(service.published, [
      { owner: "alice@example.org", messageId: "m1@example.org", event: { stage: "submitted", recipients: 3, recipientDomains: ["other.org", "third.example"] } },
      { owner: "alice@example.org", messageId: "m1@example.org", event: { stage: "relayed" } },
    ]);
    assert.ok(coreVerifies(rebuilt(applyEdits(message.headers, actions)), Buffer.alloc(32, 7)), "the signed message verifies under the gateway key");
  });

  it("old X-XMPP-Identity and X-XMPP-Hash fields are deleted (highest index first), a missing Date and Message-ID added and signed", async () => {
    const headers = [header("X-XMPP-Hash", " v=1; stale"), header("From", " alice@example.org"), header("X-XMPP-Identity", " mallory@evil.example"), header("X-XMPP-Identity", " x@y.z")];
    const { decision, service, message } = await run(undefined, milterMessage({ client: "127.0.0.1", headers }));
    const actions = decision.actions!;
    assert.deepEqual(actions.slice(0, 3), [
      { type: "deleteHeader", index: 2, name: "X-XMPP-Identity" },
      { type: "deleteHeader", index: 1, name: "X-XMPP-Identity" },
      { type: "deleteHeader", index: 1, name: "X-XMPP-Hash" },
    ]);
    assert.deepEqual(actions.slice(3).map((a) => ("name" in a ? a.name : a.type)), ["Message-ID", "Date", "X-XMPP-Identity", "X-XMPP-Hash"]);
    const after = applyEdits(message.headers, actions);
    assert.deepEqual(after.map((h) => h.name), ["X-XMPP-Hash", "X-XMPP-Identity", "Date", "Message-ID", "From"]);
    assert.ok(coreVerifies(rebuilt(after), Buffer.alloc(32, 7)));
    assert.match(service.published[0]!.messageId, /@example\.org$/);
  });

  it("SASL: signs for the login's own identity only; ORIGINATING signs from any client", async () => {
    const identities = { "alice@example.org": "alice@example.org" };
    const asAlice = await run(fakeService({ identities }), milterMessage({ client: "192.0.2.9", macros: [["{auth_authen}", "alice"]], headers: aliceHeaders() }));
    assert.equal(asAlice.decision.actions?.at(-1)?.type, "insertHeader");
    const asBob = await run(fakeService({ identities }), milterMessage({ client: "10.0.0.1", macros: [["{auth_authen}", "bob@example.org"]], headers: aliceHeaders() }));
    assert.deepEqual(asBob.decision, { actions: [], verdict: { type: "continue" } });
    assert.deepEqual(asBob.service.published, []);
    const originating = await run(fakeService({ identities }), milterMessage({ client: "192.0.2.9", macros: [["{daemon_name}", "ORIGINATING"]], headers: aliceHeaders() }));
    assert.equal(originating.service.published.length, 2);
  });

  it("not signed: an outside client, a From that is no enrolled address, a revoked gateway key, a refused message", async () => {
    const outside = await run(undefined, milterMessage({ client: "192.0.2.9", headers: aliceHeaders() }));
    assert.deepEqual(outside.decision, { actions: [], verdict: { type: "continue" } });
    const stranger = await run(fakeService({ identities: {} }));
    assert.deepEqual(stranger.decision, { actions: [], verdict: { type: "continue" } });
    const revoked = fakeService({ identities: { "alice@example.org": "alice@example.org" } });
    revoked.keys.set("alice@example.org", "revoked");
    assert.deepEqual((await run(revoked)).decision, { verdict: { type: "continue" } });
    const twoSubjects = [...aliceHeaders(), header("Subject", " second")];
    const refused = await run(undefined, milterMessage({ client: "127.0.0.1", headers: twoSubjects }));
    assert.deepEqual(refused.decision, { verdict: { type: "continue" } });
    assert.deepEqual(refused.service.published, []);
  });
});
