/**
 * Message progress through a real ejabberd, as through Prosody: the owner
 * publishes to its own node, is subscribed, gets the headline and reads the
 * history back; another user's publish to that node is forbidden. ejabberd
 * routes a component's pubsub differently from its own mod_pubsub, so the
 * Prosody test alone would not show this works.
 *
 * References: PROTOCOL.md §6; XEP-0060 §6.5, §7.1; XEP-0114.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { xml, type Client } from "@xmpp/client";
import type xmlNs from "@xmpp/xml";
import { startEjabberd, type EjabberdInstance } from "../../../devtools/servers/ejabberd.js";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";
import { enrollWithCli } from "../../../devtools/xsmtp-user.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";

const SECRET = "ejabberd-progress-secret";
const SERVICE = "xsmtp.example.org";
const NODE = "progress/alice@example.org/ej-p1@example.org";

const publish = (c: Client, stage: string) =>
  c.iqCaller.request(
    xml("iq", { type: "set", to: SERVICE },
      xml("pubsub", { xmlns: "http://jabber.org/protocol/pubsub" },
        xml("publish", { node: NODE }, xml("item", {}, xml("progress", { xmlns: "urn:xmpp:xsmtp:progress:0", stage }))))),
  );

describe("progress on ejabberd", { timeout: 60_000 }, () => {
  let ejabberd: EjabberdInstance;
  let svc: TestService;
  let alice: Client;
  let mallory: Client;

  before(async () => {
    ejabberd = await startEjabberd({ componentSecret: SECRET });
    await ejabberd.register("alice", "example.org", "alicepass");
    await ejabberd.register("mallory", "example.org", "mallorypass");
    svc = await startTestService(ejabberd.componentPort, SECRET);
    await enrollWithCli("alice@example.org", svc.env);
    alice = await connectClient({ port: ejabberd.c2sPort, domain: "example.org", username: "alice", password: "alicepass" });
    mallory = await connectClient({ port: ejabberd.c2sPort, domain: "example.org", username: "mallory", password: "mallorypass" });
    // Headlines to a bare JID reach available resources only (RFC 6121 §8.5.2.1.1).
    await alice.send(xml("presence"));
  });
  after(async () => {
    if (alice) await closeClient(alice);
    if (mallory) await closeClient(mallory);
    await svc?.stop();
    await ejabberd?.stop();
  });

  it("the owner's publish creates the node, the headline reaches the owner, the history reads back", { timeout: 15_000 }, async () => {
    const headline = new Promise<xmlNs.Element>((resolve) =>
      alice.on("stanza", (s) => void (s.is("message") && s.attrs.type === "headline" && resolve(s))),
    );
    const reply = await publish(alice, "submitted");
    assert.equal(reply.attrs.type, "result");
    const items = (await headline).getChild("event", "http://jabber.org/protocol/pubsub#event")!.getChild("items")!;
    assert.equal(items.attrs.node, NODE);
    assert.equal(items.getChild("item")!.getChild("progress")!.attrs.stage, "submitted");
    const history = await alice.iqCaller.request(
      xml("iq", { type: "get", to: SERVICE }, xml("pubsub", { xmlns: "http://jabber.org/protocol/pubsub" }, xml("items", { node: NODE }))),
    );
    const stages = history.getChild("pubsub")!.getChild("items")!.getChildren("item").map((i) => i.getChild("progress")!.attrs.stage);
    assert.deepEqual(stages, ["submitted"]);
  });

  it("another user's publish to alice's node is forbidden", async () => {
    await assert.rejects(publish(mallory, "relayed"), (err: { condition?: string }) => err.condition === "forbidden");
  });
});
