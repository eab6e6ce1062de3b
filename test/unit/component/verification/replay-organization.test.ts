/**
 * Replay detection compares organizational domains: a receiving gateway
 * whose JID is a subdomain of the recipient domain (the component
 * xsmtp.other.org, a host mx.other.org) is the recipient, not a replay;
 * another organization still is.
 *
 * References: PROTOCOL.md §5 (replay='suspected'), §5.2 (organizational domain), §6 (submitted).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertKnownKey } from "../../../support/keys.js";
import { iq, publish } from "../../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const SECRET = Buffer.alloc(32, 3);
const NS = "urn:xmpp:xsmtp:0";
let h: Harness;
let signed: ReturnType<typeof sign>;

describe("replay detection by organizational domain", () => {
  before(async () => {
    h = await startHarness();
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
    signed = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: TEST_CLOCK_START / 1000 });
    await h.request(iq("set", "s1", "alice@example.org/phone",
      publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted' recipients='1'><recipient-domain>other.org</recipient-domain></progress>`)));
  });
  after(async () => h.stop());

  const replayOf = async (id: string, from: string) =>
    (await h.request(verifyIq(id, signed.signature, signed.sent, from)))?.getChild("verification", NS)?.attrs;

  it("the gateway component xsmtp.other.org and a host mx.other.org count as other.org", async () => {
    for (const [id, from] of [["v1", "xsmtp.other.org"], ["v2", "gw@mx.other.org/milter"]]) {
      const attrs = await replayOf(id!, from!);
      assert.equal(attrs?.result, "pass");
      assert.equal(attrs?.replay, undefined, from);
    }
  });

  it("another organization (other.org.evil.example) is still flagged", async () => {
    const attrs = await replayOf("v3", "xsmtp.other.org.evil.example");
    assert.equal(attrs?.result, "pass");
    assert.equal(attrs?.replay, "suspected");
  });
});
