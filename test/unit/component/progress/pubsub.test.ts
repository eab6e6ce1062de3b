/**
 * Progress over pubsub with whole stanzas (PROTOCOL.md §6): every row of the
 * rights table and every error, through the real service without a server.
 */
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { errorReply, item, items, iq, NODE, progress, publish, pubsub, pubsubError, result } from "../../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const BOB = "bob@other.org/gw";
const MALLORY = "mallory@example.org/x";
const ADMIN = "admin@example.org/desk";
const AT = "2026-11-28T10:00:00Z";
const SECRET = Buffer.alloc(32, 1);
const SUBMITTED = progress("submitted", AT, "example.org", " recipients='1'", "<recipient-domain>other.org</recipient-domain>");
const VERIFIED = progress("verified", AT, "other.org");
const DELIVERED = progress("delivered", AT, "other.org");
let h: Harness;
let n = 0;

/** Sends a request and asserts the whole reply. */
async function expect(type: "get" | "set", from: string, request: string, reply: (id: string) => string) {
  const id = `p${++n}`;
  assertStanza(await h.request(iq(type, id, from, request)), reply(id));
}
const refused = (type: "get" | "set", from: string, request: string, errType: string, condition: string, app = "") =>
  expect(type, from, request, (id) => errorReply(id, from, request, errType, condition, app));

describe("progress pubsub requests (PROTOCOL.md §6 table)", () => {
  before(async () => {
    h = await startHarness();
    const db = h.service.context.store;
    await insertKnownKey(db, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
    await db.identity.insertUser("mallory@example.org", 0);
    const { signature, sent } = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: TEST_CLOCK_START / 1000 });
    await expect("set", ALICE, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted' recipients='1'><recipient-domain>other.org</recipient-domain></progress>`),
      (id) => result(id, ALICE, pubsub(`<publish node='${NODE}'><item id='0000000001'/></publish>`)));
    await h.request(verifyIq("v1", signature, sent, BOB));
  });
  after(async () => h.stop());

  it("publish: a verifier with a pass reports delivered; by is its domain", async () =>
    expect("set", BOB, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='delivered' by='example.org' at='1999-01-01T00:00:00Z'/>`),
      (id) => result(id, BOB, pubsub(`<publish node='${NODE}'><item id='0000000003'/></publish>`))));

  it("retrieve: the owner gets every item in id order", async () =>
    expect("get", ALICE, items(), (id) =>
      result(id, ALICE, items("", item("0000000001", SUBMITTED) + item("0000000002", VERIFIED) + item("0000000003", DELIVERED)))));

  it("retrieve: an admin gets max_items, the newest", async () =>
    expect("get", ADMIN, items(" max_items='1'"), (id) => result(id, ADMIN, items("", item("0000000003", DELIVERED)))));

  it("retrieve: one item by id", async () =>
    expect("get", ALICE, items("", "<item id='0000000002'/>"), (id) => result(id, ALICE, items("", item("0000000002", VERIFIED)))));

  it("retrieve: an item id never issued answers item-not-found", async () =>
    refused("get", ALICE, items("", "<item id='0000000099'/>"), "cancel", "item-not-found"));

  it("retrieve: the verifier and anyone else get not-allowed + closed-node", async () => {
    await refused("get", BOB, items(), "cancel", "not-allowed", pubsubError("closed-node"));
    await refused("get", MALLORY, items(), "cancel", "not-allowed", pubsubError("closed-node"));
  });

  it("retrieve: an unknown node, or a node that is not progress/<bare-jid>/<message-id>, answers item-not-found", async () => {
    await refused("get", ALICE, items("", "", "progress/alice@example.org/nope@x"), "cancel", "item-not-found");
    await refused("get", ALICE, items("", "", "progress/nope@x"), "cancel", "item-not-found"); // revision 0.0's name
    await refused("get", ALICE, items("", "", "urn:xmpp:microblog:0"), "cancel", "item-not-found");
  });

  it("subscribe: the owner subscribes its own JID (full or bare) and gets the bare subscription", async () =>
    expect("set", ALICE, pubsub(`<subscribe node='${NODE}' jid='${ALICE}'/>`), (id) =>
      result(id, ALICE, pubsub(`<subscription node='${NODE}' jid='alice@example.org' subscription='subscribed'/>`))));

  it("subscribe: another JID answers bad-request + invalid-jid", async () =>
    refused("set", ALICE, pubsub(`<subscribe node='${NODE}' jid='bob@other.org'/>`), "modify", "bad-request", pubsubError("invalid-jid")));

  it("subscribe/unsubscribe: the verifier and anyone else get not-allowed + closed-node", async () => {
    await refused("set", BOB, pubsub(`<subscribe node='${NODE}' jid='bob@other.org'/>`), "cancel", "not-allowed", pubsubError("closed-node"));
    await refused("set", MALLORY, pubsub(`<unsubscribe node='${NODE}' jid='mallory@example.org'/>`), "cancel", "not-allowed", pubsubError("closed-node"));
  });

  it("unsubscribe: an admin subscribes and unsubscribes itself; a second time answers unexpected-request + not-subscribed", async () => {
    await expect("set", ADMIN, pubsub(`<subscribe node='${NODE}' jid='admin@example.org'/>`), (id) =>
      result(id, ADMIN, pubsub(`<subscription node='${NODE}' jid='admin@example.org' subscription='subscribed'/>`)));
    const unsubscribe = pubsub(`<unsubscribe node='${NODE}' jid='admin@example.org'/>`);
    await expect("set", ADMIN, unsubscribe, (id) => result(id, ADMIN));
    await refused("set", ADMIN, unsubscribe, "cancel", "unexpected-request", pubsubError("not-subscribed"));
  });

  it("publish: the verifier may not publish owner stages, nobody may publish verified; both forbidden", async () => {
    await refused("set", BOB, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted'/>`), "auth", "forbidden");
    await refused("set", ALICE, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='verified'/>`), "auth", "forbidden");
  });

  it("publish: anyone else is forbidden, even with a broken payload", async () => {
    await refused("set", MALLORY, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='read'/>`), "auth", "forbidden");
    await refused("set", MALLORY, publish(`<nonsense/>`), "auth", "forbidden");
  });

  it("publish: missing or invalid payload answers bad-request + invalid-payload", async () => {
    for (const payload of ["", "<progress xmlns='urn:xmpp:xsmtp:progress:0'/>", "<progress xmlns='urn:x' stage='read'/>",
      "<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted' recipients='many'/>"]) {
      await refused("set", ALICE, publish(payload), "modify", "bad-request", pubsubError("invalid-payload"));
    }
  });

  it("publish: an unknown node answers item-not-found unless the enrolled identity it is named for creates it", async () => {
    await refused("set", BOB, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='read'/>`, "progress/bob@other.org/nope@x"), "cancel", "item-not-found");
    await refused("set", ADMIN, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='read'/>`, "progress/alice@example.org/nope@x"), "cancel", "item-not-found");
    await expect("set", MALLORY, publish(`<progress xmlns='urn:xmpp:xsmtp:progress:0' stage='relayed'/>`, "progress/mallory@example.org/own@x"), (id) =>
      result(id, MALLORY, pubsub(`<publish node='progress/mallory@example.org/own@x'><item id='0000000001'/></publish>`)));
  });

  it("a request without a node answers bad-request + nodeid-required", async () =>
    refused("get", ALICE, pubsub("<items/>"), "modify", "bad-request", pubsubError("nodeid-required")));

  const unsupported: [string, string, string][] = [
    ["set", pubsub(`<create node='progress/x'/>`), "create-nodes"],
    ["set", pubsub(`<retract node='${NODE}'><item id='0000000001'/></retract>`), "retract-items"],
    ["get", pubsub(`<subscriptions/>`), "retrieve-subscriptions"],
    ["get", pubsub(`<affiliations/>`), "retrieve-affiliations"],
    ["get", pubsub(`<options node='${NODE}' jid='alice@example.org'/>`), "subscription-options"],
    ["set", `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='${NODE}'/></pubsub>`, "delete-nodes"],
    ["set", `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><purge node='${NODE}'/></pubsub>`, "purge-nodes"],
    ["get", `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='${NODE}'/></pubsub>`, "config-node"],
    ["set", pubsub(`<publish node='${NODE}'><item><progress xmlns='urn:xmpp:xsmtp:progress:0' stage='read'/></item></publish><publish-options/>`), "publish-options"],
  ];
  for (const [type, request, feature] of unsupported) {
    it(`${feature} answers feature-not-implemented + unsupported`, async () =>
      refused(type as "get" | "set", ALICE, request, "cancel", "feature-not-implemented", pubsubError("unsupported", ` feature='${feature}'`)));
  }
});
