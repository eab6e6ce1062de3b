/**
 * Retention counts from a node's creation (revision 0.1 §6): a verifier's
 * verified and delivered items and a forger's rejected ones, however late,
 * never keep alice's node past the retention period. Whole stanzas through
 * the real service, with the clock moved.
 *
 * References: PROTOCOL.md §6 (retention; nothing a third party does extends it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { errorReply, iq, items, NODE, publish, pubsub, result } from "../../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const BOB = "bob@other.org/gw";
const RETENTION_MS = 30 * 86_400_000;
const SECRET = Buffer.alloc(32, 4);
const LATER = "progress/alice@example.org/m2@example.org";
const read = (node: string) => items("", "", node);
let h: Harness;

describe("progress retention from creation, whatever third parties publish", () => {
  before(async () => {
    h = await startHarness();
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => h.stop());

  it("a node gets a third party's verified, delivered and rejected items up to its last minute, then goes", async () => {
    assertStanza(await h.request(iq("set", "c1", ALICE, publish("<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted'/>"))),
      result("c1", ALICE, pubsub(`<publish node='${NODE}'><item id='0000000001'/></publish>`)));
    h.clock.advance(RETENTION_MS / 2);
    const later = publish("<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted'/>", LATER);
    assertStanza(await h.request(iq("set", "c2", ALICE, later)), result("c2", ALICE, pubsub(`<publish node='${LATER}'><item id='0000000001'/></publish>`)));

    // A minute before the end, bob verifies (pass), reports delivered, and a forgery is rejected.
    h.clock.advance(RETENTION_MS / 2 - 60_000);
    const signed = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: h.clock.now() / 1000 });
    await h.request(verifyIq("v1", signed.signature, signed.sent, BOB));
    const delivered = publish("<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='delivered'/>");
    assertStanza(await h.request(iq("set", "d1", BOB, delivered)), result("d1", BOB, pubsub(`<publish node='${NODE}'><item id='0000000003'/></publish>`)));
    const forged = signed.sent.map((f) => (f.name === "Subject" ? { ...f, value: " Wire the money" } : f));
    await h.request(verifyIq("v2", signed.signature, forged, "mx@evil.example/gw"));
    const history = await h.request(iq("get", "r1", ALICE, read(NODE)));
    assert.deepEqual(history?.getChild("pubsub")?.getChild("items")?.getChildren("item").map((i) => i.getChildren("progress")[0]?.attrs.stage),
      ["submitted", "verified", "delivered", "rejected"]);

    h.clock.advance(60_000 + 1);
    assert.equal((await h.service.features.progress.sweep()).nodes, 1, "only the node created a retention period ago");
    assertStanza(await h.request(iq("get", "r2", ALICE, read(NODE))), errorReply("r2", ALICE, read(NODE), "cancel", "item-not-found"));
    const kept = await h.request(iq("get", "r3", ALICE, read(LATER)));
    assert.equal(kept?.attrs.type, "result", "the node created later is kept");
  });

  it("the later node goes a retention period after its own creation, not before", async () => {
    h.clock.advance(RETENTION_MS / 2 - 1); // exactly a retention period since its creation
    assert.equal((await h.service.features.progress.sweep()).nodes, 0);
    h.clock.advance(1);
    assert.equal((await h.service.features.progress.sweep()).nodes, 1);
    assertStanza(await h.request(iq("get", "r4", ALICE, read(LATER))), errorReply("r4", ALICE, read(LATER), "cancel", "item-not-found"));
  });
});
