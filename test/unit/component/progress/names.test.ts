/**
 * Node names `progress/<bare-jid>/<message-id>` (revision 0.1 §6): the
 * parser on its own (round trip, a Message-ID with '/', every malformed
 * shape), the mail side's progressNode agreeing with it, and malformed names
 * through the real service answering item-not-found (a name no node can
 * have is an unknown node) for every request, bad-request only when there is
 * no node at all.
 *
 * References: PROTOCOL.md §6, §3.2; XEP-0060 §7.1.3.3 (item-not-found), §7.1.3.6 (nodeid-required).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { nodeName, parseNodeName, progressNode } from "../../../../protocol/progress-node.js";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { errorReply, iq, items, publish, pubsub, pubsubError, result } from "../../../support/pubsub-stanzas.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const PAYLOAD = "<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='relayed'/>";
const MALFORMED = [
  "progress/",
  "progress/alice@example.org",
  "progress/alice@example.org/",
  "progress//m1@example.org",
  "progress/m1@example.org", // revision 0.0's name
  "progress/Alice@Example.org/m1@example.org", // only the lower-case spelling names a node
  "progress/example.org/m1@example.org", // no localpart
  "progress/a@b@example.org/m1@example.org",
  "progress/alice@example.org/m1 x@example.org",
  `progress/alice@example.org/${"x".repeat(999)}`,
  `progress/${"a".repeat(4000)}@example.org/m1`,
  "Progress/alice@example.org/m1@example.org",
];

describe("progress node names: the parser", () => {
  it("the JID ends at the first '/'; the Message-ID keeps any further '/'", async () => {
    assert.deepEqual(parseNodeName("progress/alice@example.org/a/b@example.org"), { owner: "alice@example.org", messageId: "a/b@example.org" });
    assert.deepEqual(parseNodeName(`progress/alice@example.org/${"x".repeat(998)}`)?.messageId.length, 998);
  });

  it("refuses every malformed shape", async () => {
    for (const name of MALFORMED) assert.equal(parseNodeName(name), undefined, name.slice(0, 60));
    assert.equal(parseNodeName(undefined), undefined);
  });

  it("round-trips any lower-case bare JID and white-space-free Message-ID", async () => {
    const local = fc.stringMatching(/^[a-z0-9._+-]{1,20}$/);
    const domain = fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,3}$/);
    const messageId = fc.stringMatching(/^[!-~]{1,60}$/); // printable ASCII, '/' and '@' included
    fc.assert(fc.property(local, domain, messageId, (l, d, id) => {
      const key = { owner: `${l}@${d}`, messageId: id };
      assert.deepEqual(parseNodeName(nodeName(key)), key);
    }));
  });

  it("the mail side's progressNode names the node the service parses (bare, lower case)", async () => {
    assert.equal(progressNode("Alice@Example.org/laptop", "a/b@example.org"), "progress/alice@example.org/a/b@example.org");
    assert.deepEqual(parseNodeName(progressNode("Alice@Example.org", "m1@example.org")), { owner: "alice@example.org", messageId: "m1@example.org" });
  });
});

describe("progress node names through the service", () => {
  let h: Harness;
  let n = 0;
  const refused = async (type: "get" | "set", request: string, errType: string, condition: string, app = "") => {
    const id = `n${++n}`;
    assertStanza(await h.request(iq(type, id, ALICE, request)), errorReply(id, ALICE, request, errType, condition, app));
  };
  before(async () => {
    h = await startHarness();
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", Buffer.alloc(32, 5), TEST_CLOCK_START);
  });
  after(async () => h.stop());

  it("a malformed name answers item-not-found to retrieve, publish, subscribe and disco#info, and creates nothing", async () => {
    for (const node of MALFORMED) {
      await refused("get", items("", "", node), "cancel", "item-not-found");
      await refused("set", publish(PAYLOAD, node), "cancel", "item-not-found");
      await refused("set", pubsub(`<subscribe node='${node}' jid='alice@example.org'/>`), "cancel", "item-not-found");
      await refused("get", `<query xmlns='http://jabber.org/protocol/disco#info' node='${node}'/>`, "cancel", "item-not-found");
    }
    assert.equal((await h.service.features.progress.countNodes()), 0);
  });

  it("no node at all answers bad-request + nodeid-required", async () => {
    await refused("set", pubsub(`<publish><item>${PAYLOAD}</item></publish>`), "modify", "bad-request", pubsubError("nodeid-required"));
    await refused("get", pubsub(`<items node=''/>`), "modify", "bad-request", pubsubError("nodeid-required"));
  });

  it("a Message-ID with '/' names a node like any other: created, listed and described under the same name", async () => {
    const node = "progress/alice@example.org/a/b@example.org";
    assertStanza(await h.request(iq("set", "s1", ALICE, publish(PAYLOAD, node))), result("s1", ALICE, pubsub(`<publish node='${node}'><item id='0000000001'/></publish>`)));
    const listing = `<query xmlns='http://jabber.org/protocol/disco#items'><item jid='xsmtp.example.org' node='${node}'/></query>`;
    assertStanza(await h.request(iq("get", "s2", ALICE, "<query xmlns='http://jabber.org/protocol/disco#items'/>")), result("s2", ALICE, listing));
    const info = await h.request(iq("get", "s3", ALICE, `<query xmlns='http://jabber.org/protocol/disco#info' node='${node}'/>`));
    assert.equal(info?.getChild("query")?.getChild("identity")?.attrs.type, "leaf");
  });
});
