/**
 * Message progress (issue 5) through a real Prosody: alice publishes
 * submitted, bob@other.org verifies and reports delivered, alice gets each
 * event live as a headline and the whole history later; a verifier on a third
 * domain is flagged as replay; a forged message lands in her history as
 * rejected; mallory gets nothing and cannot squat alice's node names, while
 * her own node for the same Message-ID stays apart; the retention sweep
 * removes the node a retention period after its creation.
 *
 * References: PROTOCOL.md §5, §6, §7; XEP-0060 §5.3, §6.1, §6.5, §7.1.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { xml, type Client } from "@xmpp/client";
import type xmlNs from "@xmpp/xml";
import { decodeSecret } from "../../../signature/index.js";
import { refusal, SERVICE } from "../../support/client-commands.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { NS_PROGRESS, NS_PUBSUB } from "../../support/pubsub-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../devtools/load/signed-message.js";
import { waitFor } from "../../../devtools/servers/wait.js";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";

const SECRET = "component-secret-for-tests";
const PASSWORD = "secret-pw";
const NS = "urn:xmpp:xsmtp:0";
const NS_EVENT = "http://jabber.org/protocol/pubsub#event";
const MESSAGE_ID = "p1@example.org";
/** Revision 0.1 names nodes by JID and Message-ID (was progress/<message-id>). */
const NODE = `progress/alice@example.org/${MESSAGE_ID}`;
const MALLORYS = `progress/mallory@example.org/${MESSAGE_ID}`;
const now = () => Math.floor(Date.now() / 1000);

const login = (prosody: ProsodyInstance, jid: string) => {
  const [username, domain] = jid.split("@") as [string, string];
  return connectClient({ port: prosody.c2sPort, domain, username, password: PASSWORD });
};
const progress = (stage: string, children: xmlNs.Element[] = [], attrs: Record<string, string> = {}) =>
  xml("progress", { xmlns: NS_PROGRESS, stage, ...attrs }, ...children);
const publish = (c: Client, payload: xmlNs.Element, node = NODE) =>
  c.iqCaller.request(xml("iq", { type: "set", to: SERVICE }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", {}, payload)))));
const retrieve = (c: Client, node = NODE) =>
  c.iqCaller.request(xml("iq", { type: "get", to: SERVICE }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }))));
const subscribe = (c: Client, jid: string, node = NODE) =>
  c.iqCaller.request(xml("iq", { type: "set", to: SERVICE }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscribe", { node, jid }))));
const discoItems = async (c: Client) => {
  const reply = await c.iqCaller.request(xml("iq", { type: "get", to: SERVICE }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" })));
  return reply.getChild("query")!.getChildren("item").map((i) => i.attrs.node as string);
};
/** [id, stage, by, reason?] of each item in a retrieve reply. */
const summary = (reply: xmlNs.Element) =>
  reply.getChild("pubsub", NS_PUBSUB)!.getChild("items")!.getChildren("item").map((i) => {
    const p = i.getChild("progress", NS_PROGRESS)!;
    return [i.attrs.id, p.attrs.stage, p.attrs.by, p.attrs.reason].filter((x) => x !== undefined);
  });

describe("message progress through Prosody", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let alice: Client;
  let bob: Client;
  let carol: Client;
  let mallory: Client;
  let keyId: string;
  let secret: Buffer;
  let signed: ReturnType<typeof sign>;
  const headlines: xmlNs.Element[] = [];

  const verify = async (c: Client, signature: string, sent: typeof signed.sent) => {
    const iq = verifyIq("x", signature, sent);
    delete iq.attrs.id;
    delete iq.attrs.from;
    return (await c.iqCaller.request(iq)).getChild("verification", NS)!;
  };
  /** Waits for the headline carrying the item with this stage; returns its <item/>. */
  const headlineFor = async (stage: string) => {
    const find = () => headlines.find((m) => m.getChild("event", NS_EVENT)?.getChild("items")?.getChild("item")
      ?.getChild("progress", NS_PROGRESS)?.attrs.stage === stage);
    await waitFor(() => find() !== undefined, {
      timeoutMs: 5000,
      describe: () => `no ${stage} headline; got:\n${headlines.map(String).join("\n")}`,
    });
    const message = find()!;
    assert.deepEqual([message.attrs.type, message.attrs.from], ["headline", SERVICE]);
    const items = message.getChild("event", NS_EVENT)!.getChild("items")!;
    assert.equal(items.attrs.node, NODE);
    return items.getChild("item")!;
  };

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET, hosts: ["example.org", "other.org", "third.example"] });
    await prosody.register("alice", "example.org", PASSWORD);
    await prosody.register("mallory", "example.org", PASSWORD);
    await prosody.register("bob", "other.org", PASSWORD);
    await prosody.register("carol", "third.example", PASSWORD);
    svc = await startTestService(prosody.componentPort, SECRET);
    const issued = await svc.service.features.identities.core.enroll("alice@example.org", "laptop");
    if (typeof issued === "string") throw new Error(issued);
    // mallory is enrolled too: an identity that could create nodes, so squatting is really tried.
    if (typeof (await svc.service.features.identities.core.enroll("mallory@example.org", "phone")) === "string") throw new Error("enroll mallory");
    keyId = issued.keyId;
    secret = decodeSecret(issued.secret)!;
    signed = sign(aliceMessage({ "Message-ID": `<${MESSAGE_ID}>` }), { keyId, secret, t: now() });
    [alice, bob, carol, mallory] = await Promise.all(
      ["alice@example.org", "bob@other.org", "carol@third.example", "mallory@example.org"].map((jid) => login(prosody, jid)),
    );
    alice.on("stanza", (s) => {
      if (s.is("message")) headlines.push(s);
    });
    // Headlines to a bare JID reach only available resources.
    await alice.send(xml("presence"));
  });
  after(async () => {
    await Promise.all([alice, bob, carol, mallory].filter(Boolean).map((c) => closeClient(c)));
    await svc?.stop();
    await prosody?.stop();
  });

  it("alice publishes submitted for other.org and receives it as a headline", async () => {
    const reply = await publish(alice, progress("submitted", [xml("recipient-domain", {}, "other.org")], { recipients: "1" }));
    const published = reply.getChild("pubsub", NS_PUBSUB)!.getChild("publish")!;
    assert.deepEqual([published.attrs.node, published.getChild("item")?.attrs.id], [NODE, "0000000001"]);
    const item = await headlineFor("submitted");
    const p = item.getChild("progress", NS_PROGRESS)!;
    assert.deepEqual([item.attrs.id, p.attrs.by, p.attrs.recipients, p.getChildText("recipient-domain")], ["0000000001", "example.org", "1", "other.org"]);
  });

  it("bob's passing verification reaches alice as a verified headline", async () => {
    const verification = await verify(bob, signed.signature, signed.sent);
    assert.deepEqual({ ...verification.attrs }, { xmlns: NS, result: "pass", jid: "alice@example.org", key: keyId });
    assert.deepEqual({ ...verification.getChild("seen")!.attrs }, { verifications: "1", domains: "1" });
    const item = await headlineFor("verified");
    assert.deepEqual([item.attrs.id, item.getChild("progress", NS_PROGRESS)!.attrs.by], ["0000000002", "other.org"]);
  });

  it("bob reports delivered; alice receives it live", async () => {
    await publish(bob, progress("delivered"));
    const item = await headlineFor("delivered");
    assert.deepEqual([item.attrs.id, item.getChild("progress", NS_PROGRESS)!.attrs.by], ["0000000003", "other.org"]);
  });

  it("a verification from third.example, not a recipient domain, passes flagged replay='suspected'", async () => {
    const verification = await verify(carol, signed.signature, signed.sent);
    assert.equal(verification.attrs.result, "pass");
    assert.equal(verification.attrs.replay, "suspected");
    assert.deepEqual({ ...verification.getChild("seen")!.attrs }, { verifications: "2", domains: "2" });
  });

  it("a forged message in alice's name (wrong MAC) fails and shows up as rejected", async () => {
    const forged = sign(aliceMessage({ "Message-ID": `<${MESSAGE_ID}>`, Subject: "Wire the money" }), { keyId, secret: Buffer.alloc(32, 9), t: now() });
    const verification = await verify(bob, forged.signature, forged.sent);
    assert.deepEqual([verification.attrs.result, verification.attrs.reason], ["fail", "signature-mismatch"]);
    const item = await headlineFor("rejected");
    assert.equal(item.getChild("progress", NS_PROGRESS)!.attrs.reason, "signature-mismatch");
  });

  it("alice retrieves the whole history in order", async () => {
    assert.deepEqual(summary(await retrieve(alice)), [
      ["0000000001", "submitted", "example.org"],
      ["0000000002", "verified", "other.org"],
      ["0000000003", "delivered", "other.org"],
      ["0000000004", "verified", "third.example"],
      ["0000000005", "rejected", "other.org", "signature-mismatch"],
    ]);
  });

  it("mallory can neither retrieve (not-allowed + closed-node), publish (forbidden) nor subscribe", async () => {
    assert.deepEqual(await refusal(retrieve(mallory)), { condition: "not-allowed", app: "closed-node" });
    assert.deepEqual(await refusal(publish(mallory, progress("read"))), { condition: "forbidden", app: undefined });
    assert.deepEqual(await refusal(subscribe(mallory, "mallory@example.org")), { condition: "not-allowed", app: "closed-node" });
    // The verifier may report, but not read the history.
    assert.deepEqual(await refusal(retrieve(bob)), { condition: "not-allowed", app: "closed-node" });
    assert.equal(summary(await retrieve(alice)).length, 5, "nothing was added");
  });

  it("mallory cannot squat a node named for alice, not even one that does not exist yet", async () => {
    const unused = `progress/alice@example.org/next-${MESSAGE_ID}`;
    assert.deepEqual(await refusal(publish(mallory, progress("submitted"), unused)), { condition: "forbidden", app: undefined });
    assert.deepEqual(await refusal(retrieve(mallory, unused)), { condition: "not-allowed", app: "closed-node" });
    assert.deepEqual(await refusal(retrieve(alice, unused)), { condition: "item-not-found", app: undefined });
  });

  it("mallory's own node for the same Message-ID is separate: alice's history and replay detection are untouched", async () => {
    const reply = await publish(mallory, progress("submitted", [xml("recipient-domain", {}, "third.example")]), MALLORYS);
    assert.equal(reply.getChild("pubsub", NS_PUBSUB)!.getChild("publish")!.getChild("item")!.attrs.id, "0000000001");
    assert.equal(summary(await retrieve(alice)).length, 5, "nothing was added to alice's node");
    const again = await verify(carol, signed.signature, signed.sent);
    assert.equal(again.attrs.replay, "suspected", "mallory's third.example is not alice's recipient");
  });

  it("disco#items on the service lists alice's node to alice and mallory's to mallory", async () => {
    assert.deepEqual(await discoItems(alice), [NODE]);
    assert.deepEqual(await discoItems(mallory), [MALLORYS]);
  });
});

describe("progress retention through Prosody (XSMTP_RETENTION=1)", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let alice: Client;

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET });
    await prosody.register("alice", "example.org", PASSWORD);
    svc = await startTestService(prosody.componentPort, SECRET, { XSMTP_RETENTION: "1" });
    const issued = await svc.service.features.identities.core.enroll("alice@example.org", "laptop");
    if (typeof issued === "string") throw new Error(issued);
    alice = await login(prosody, "alice@example.org");
  });
  after(async () => {
    if (alice) await closeClient(alice);
    await svc?.stop();
    await prosody?.stop();
  });

  it("a node past the retention period since its creation is swept: retrieve answers item-not-found", async () => {
    await publish(alice, progress("submitted"));
    assert.equal(summary(await retrieve(alice)).length, 1);
    await sleep(1500);
    // The hourly timer runs every second at this retention and may have swept already.
    svc.service.features.progress.sweep();
    assert.deepEqual(await refusal(retrieve(alice)), { condition: "item-not-found", app: undefined });
    assert.deepEqual(await discoItems(alice), []);
  });
});
