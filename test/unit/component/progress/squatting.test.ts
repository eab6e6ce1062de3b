/**
 * What an attacker would try against revision 0.1's per-identity nodes, with
 * whole stanzas through the real service: mallory squatting alice's node
 * (before and after it exists), mallory's own node for alice's Message-ID
 * leaking into alice's seen counts or replay detection, and a third party
 * keeping alice's node alive past its retention.
 *
 * References: PROTOCOL.md §5 (seen, replay='suspected'), §6 (node names, owner, retention).
 */
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { errorReply, item, items, iq, NODE, progress, publish, pubsub, pubsubError, result } from "../../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const MALLORY = "mallory@example.org/x";
const MALLORYS = "progress/mallory@example.org/m1@example.org";
const NS = "urn:xmpp:xsmtp:0";
const DISCO_ITEMS = "<query xmlns='http://jabber.org/protocol/disco#items'/>";
const AT = "2026-11-28T10:00:00Z";
const submitted = (domain: string) =>
  `<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted' recipients='1'><recipient-domain>${domain}</recipient-domain></progress>`;
const stored = (domain: string) => progress("submitted", AT, "example.org", " recipients='1'", `<recipient-domain>${domain}</recipient-domain>`);
const verification = (jid: string, seen: string, replay = "") =>
  `<verification xmlns='${NS}' result='pass' jid='${jid}' key='laptop'${replay}><from authorized='true'>${jid}</from>` +
  `<message-id>m1@example.org</message-id><seen ${seen}/></verification>`;
const SECRET = Buffer.alloc(32, 3);
let h: Harness;
let n = 0;

async function expect(type: "get" | "set", from: string, request: string, reply: (id: string) => string) {
  const id = `q${++n}`;
  assertStanza(await h.request(iq(type, id, from, request)), reply(id));
}
const refused = (type: "get" | "set", from: string, request: string, errType: string, condition: string, app = "") =>
  expect(type, from, request, (id) => errorReply(id, from, request, errType, condition, app));
const signedBy = (jid: string) =>
  sign(aliceMessage({ From: jid }), { jid, keyId: "laptop", secret: SECRET, t: h.clock.now() / 1000 });

describe("progress: no one can squat or disturb another identity's node (revision 0.1 §6)", () => {
  before(async () => {
    h = await startHarness();
    for (const jid of ["alice@example.org", "mallory@example.org"]) {
      await insertKnownKey(h.service.context.store, h.masterKey, jid, "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
    }
  });
  after(async () => h.stop());

  it("mallory publishing to alice's node before it exists is forbidden and creates nothing", async () => {
    await refused("set", MALLORY, publish(submitted("evil.example")), "auth", "forbidden");
    await refused("set", MALLORY, publish("<nonsense/>"), "auth", "forbidden");
    await refused("get", MALLORY, items(), "cancel", "not-allowed", pubsubError("closed-node"));
    await refused("get", ALICE, items(), "cancel", "item-not-found");
    await expect("get", ALICE, DISCO_ITEMS, (id) => result(id, ALICE, DISCO_ITEMS));
  });

  it("alice creates her node with item 1; mallory's publish there stays forbidden", async () => {
    await expect("set", ALICE, publish(submitted("other.org")), (id) =>
      result(id, ALICE, pubsub(`<publish node='${NODE}'><item id='0000000001'/></publish>`)));
    await refused("set", MALLORY, publish(submitted("evil.example")), "auth", "forbidden");
  });

  it("mallory's node for the same Message-ID is her own, with its own ids", async () =>
    expect("set", MALLORY, publish(submitted("third.example"), MALLORYS), (id) =>
      result(id, MALLORY, pubsub(`<publish node='${MALLORYS}'><item id='0000000001'/></publish>`))));

  it("mallory's verifications count on her node only; alice's seen counts start at one", async () => {
    const mallorys = signedBy("mallory@example.org");
    for (const [id, from] of [["v1", "mx@third.example/gw"], ["v2", "mx@evil.example/gw"]] as const) {
      await h.request(verifyIq(id, mallorys.signature, mallorys.sent, from));
    }
    const alices = signedBy("alice@example.org");
    assertStanza(await h.request(verifyIq("v3", alices.signature, alices.sent, "mx@other.org/gw")),
      result("v3", "mx@other.org/gw", verification("alice@example.org", "verifications='1' domains='1'")));
  });

  it("alice's replay detection uses her recipient domains only: mallory's third.example does not whitelist it", async () => {
    const alices = signedBy("alice@example.org");
    assertStanza(await h.request(verifyIq("v4", alices.signature, alices.sent, "mx@third.example/gw")),
      result("v4", "mx@third.example/gw", verification("alice@example.org", "verifications='2' domains='2'", " replay='suspected'")));
  });

  it("each history holds its owner's events only; disco#items lists each its own node", async () => {
    await expect("get", ALICE, items(), (id) => result(id, ALICE, items("",
      item("0000000001", stored("other.org")) + item("0000000002", progress("verified", AT, "other.org")) +
      item("0000000003", progress("verified", AT, "third.example")))));
    await expect("get", MALLORY, items("", "", MALLORYS), (id) => result(id, MALLORY, items("",
      item("0000000001", stored("third.example")) + item("0000000002", progress("verified", AT, "third.example")) +
      item("0000000003", progress("verified", AT, "evil.example")), MALLORYS)));
    const listing = (node: string) => `<query xmlns='http://jabber.org/protocol/disco#items'><item jid='xsmtp.example.org' node='${node}'/></query>`;
    await expect("get", ALICE, DISCO_ITEMS, (id) => result(id, ALICE, listing(NODE)));
    await expect("get", MALLORY, DISCO_ITEMS, (id) => result(id, MALLORY, listing(MALLORYS)));
  });
});
