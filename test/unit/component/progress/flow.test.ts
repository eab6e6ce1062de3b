/**
 * The issue 5 story through the real service, whole stanzas: alice publishes
 * submitted, bob@other.org verifies and reports delivered, alice gets each
 * event as a headline; a verification from a third domain is flagged as
 * replay; a forged message in alice's name lands in her history as rejected;
 * disco lists her nodes and describes one.
 *
 * References: PROTOCOL.md §5, §6, §7; XEP-0060 §5.3, §5.4, §7.1.2.1.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type xml from "@xmpp/xml";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { errorReply, headline, item, items, iq, NODE, progress, publish, result } from "../../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const SECRET = Buffer.alloc(32, 2);
const NS = "urn:xmpp:xsmtp:0";
const at = (s: number) => `2026-11-28T10:00:0${s}Z`;
let h: Harness;
let signed: ReturnType<typeof sign>;

/** The headline messages the service sent while `run` ran, including those that follow a verify answer in the deferred batch. */
async function headlines(run: () => Promise<unknown>): Promise<xml.Element[]> {
  const from = h.sent.length;
  await run();
  await h.settled();
  return h.sent.slice(from).filter((s) => s.name === "message");
}

describe("progress: the issue 5 story (whole stanzas)", () => {
  before(async () => {
    h = await startHarness();
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
    signed = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: TEST_CLOCK_START / 1000 });
  });
  after(async () => h.stop());

  it("alice publishes submitted for other.org and receives it as a headline", async () => {
    const sent = await headlines(() =>
      h.request(iq("set", "s1", ALICE, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted' recipients='1'><recipient-domain>other.org</recipient-domain></progress>`))));
    assert.equal(sent.length, 1);
    assertStanza(sent[0], headline("alice@example.org", item("0000000001",
      progress("submitted", at(0), "example.org", " recipients='1'", "<recipient-domain>other.org</recipient-domain>"))));
  });

  it("bob's passing verification answers as §5 says and sends alice a verified headline", async () => {
    h.clock.advance(1000);
    let reply: xml.Element | undefined;
    const sent = await headlines(async () => (reply = await h.request(verifyIq("v1", signed.signature, signed.sent, "bob@other.org/gw"))));
    assert.equal(reply?.getChild("verification", NS)?.attrs.result, "pass");
    assert.equal(reply?.getChild("verification", NS)?.attrs.replay, undefined);
    assert.equal(sent.length, 1);
    assertStanza(sent[0], headline("alice@example.org", item("0000000002", progress("verified", at(1), "other.org"))));
  });

  it("bob reports delivered; alice receives it live", async () => {
    h.clock.advance(1000);
    const sent = await headlines(() =>
      h.request(iq("set", "s2", "bob@other.org/mua", publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='delivered'/>`))));
    assertStanza(sent[0], headline("alice@example.org", item("0000000003", progress("delivered", at(2), "other.org"))));
  });

  it("a verification from a third domain is flagged replay='suspected'", async () => {
    h.clock.advance(1000);
    const reply = await h.request(verifyIq("v2", signed.signature, signed.sent, "mx@third.example/gw"));
    assertStanza(reply, result("v2", "mx@third.example/gw",
      `<verification xmlns='${NS}' result='pass' jid='alice@example.org' key='laptop' replay='suspected'>
        <from authorized='true'>alice@example.org</from><message-id>m1@example.org</message-id>
        <seen verifications='2' domains='2'/></verification>`));
  });

  it("a forged message in alice's name shows up as rejected, and alice can fetch the whole history later", async () => {
    h.clock.advance(1000);
    const forged = signed.sent.map((f) => (f.name === "Subject" ? { ...f, value: " Wire the money" } : f));
    await h.request(verifyIq("v3", signed.signature, forged, "mx@other.org/gw"));
    const reply = await h.request(iq("get", "g1", ALICE, items()));
    assertStanza(reply, result("g1", ALICE, items("",
      item("0000000001", progress("submitted", at(0), "example.org", " recipients='1'", "<recipient-domain>other.org</recipient-domain>")) +
      item("0000000002", progress("verified", at(1), "other.org")) +
      item("0000000003", progress("delivered", at(2), "other.org")) +
      item("0000000004", progress("verified", at(3), "third.example")) +
      item("0000000005", progress("rejected", at(4), "other.org", " reason='signature-mismatch'")))));
  });

  it("mallory can neither read nor write alice's node", async () => {
    const read = items();
    assertStanza(await h.request(iq("get", "m1", "mallory@example.org/x", read)),
      errorReply("m1", "mallory@example.org/x", read, "cancel", "not-allowed", "<closed-node xmlns='http://jabber.org/protocol/pubsub#errors'/>"));
    const write = publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='read'/>`);
    assertStanza(await h.request(iq("set", "m2", "mallory@example.org/x", write)),
      errorReply("m2", "mallory@example.org/x", write, "auth", "forbidden"));
  });

  it("disco#items lists alice's own nodes newest first; nobody else's", async () => {
    h.clock.advance(1000);
    await h.request(iq("set", "s3", ALICE, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted'/>`, "progress/alice@example.org/m2@example.org")));
    const query = `<query xmlns='http://jabber.org/protocol/disco#items'/>`;
    assertStanza(await h.request(iq("get", "d1", ALICE, query)), result("d1", ALICE,
      `<query xmlns='http://jabber.org/protocol/disco#items'>
        <item jid='xsmtp.example.org' node='progress/alice@example.org/m2@example.org'/><item jid='xsmtp.example.org' node='${NODE}'/>
      </query>`));
    assertStanza(await h.request(iq("get", "d2", "bob@other.org/gw", query)), result("d2", "bob@other.org/gw", query));
  });

  it("disco#info on a node tells its owner a pubsub leaf with features and meta-data; others item-not-found", async () => {
    const query = `<query xmlns='http://jabber.org/protocol/disco#info' node='${NODE}'/>`;
    const ps = "http://jabber.org/protocol/pubsub";
    assertStanza(await h.request(iq("get", "d3", ALICE, query)), result("d3", ALICE,
      `<query xmlns='http://jabber.org/protocol/disco#info' node='${NODE}'>
        <identity category='pubsub' type='leaf'/>
        ${["", "#retrieve-items", "#subscribe", "#publish", "#persistent-items"].map((f) => `<feature var='${ps}${f}'/>`).join("")}
        <x xmlns='jabber:x:data' type='result'>
          <field var='FORM_TYPE' type='hidden'><value>${ps}#meta-data</value></field>
          <field var='pubsub#type'><value>urn:xmpp:xsmtp:progress:0</value></field>
          <field var='pubsub#owner' type='jid-multi'><value>alice@example.org</value></field>
          <field var='pubsub#creation_date'><value>${at(0)}</value></field>
          <field var='pubsub#max_items'><value>100</value></field>
          <field var='pubsub#num_subscribers'><value>1</value></field>
        </x>
      </query>`));
    assertStanza(await h.request(iq("get", "d4", "bob@other.org/gw", query)),
      errorReply("d4", "bob@other.org/gw", query, "cancel", "item-not-found"));
  });

  it("the service advertises pubsub/service and the §7 pubsub features; the stats counter counts nodes", async () => {
    const info = (await h.service.context.disco.info(undefined, "bob@other.org"));
    if (typeof info === "string") throw new Error(info);
    assert.ok(info.identities.some((i) => i.category === "pubsub" && i.type === "service"));
    for (const f of ["", "#retrieve-items", "#subscribe", "#publish", "#persistent-items"]) {
      assert.ok(info.features.includes(`http://jabber.org/protocol/pubsub${f}`), f);
    }
    assert.equal((await h.service.features.progress.countNodes()), 2);
  });

  it("after the retention period the sweep removes the nodes and the seen records with them", async () => {
    h.clock.advance(30 * 86_400_000 + 1);
    assert.deepEqual((await h.service.features.progress.sweep()), { nodes: 2, seen: 2 });
    const read = items();
    assertStanza(await h.request(iq("get", "g2", ALICE, read)), errorReply("g2", ALICE, read, "cancel", "item-not-found"));
  });
});
