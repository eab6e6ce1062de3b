/**
 * The component attached to a real ejabberd: a client on example.org gets
 * discovery, verifies a signed message, and a wrong secret ends `xsmtp run`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { xml, type Client } from "@xmpp/client";
import { decodeSecret } from "../../../signature/index.js";
import { startEjabberd, type EjabberdInstance } from "../../../devtools/servers/ejabberd.js";
import { connectClient, closeClient } from "../../../devtools/xmpp-client.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { startXsmtp } from "../../../devtools/xsmtp-process.js";
import { enrollWithCli } from "../../../devtools/xsmtp-user.js";
import { aliceMessage, sign, verifyIq } from "../../../devtools/load/signed-message.js";

const SECRET = "ejabberd-component-secret";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const NS = "urn:xmpp:xsmtp:0";

describe("component on ejabberd", () => {
  let ejabberd: EjabberdInstance;
  let svc: TestService;
  let carol: Client;

  before(async () => {
    ejabberd = await startEjabberd({ componentSecret: SECRET });
    await ejabberd.register("carol", "example.org", "carolpass");
    svc = await startTestService(ejabberd.componentPort, SECRET);
    carol = await connectClient({ port: ejabberd.c2sPort, domain: "example.org", username: "carol", password: "carolpass" });
  });
  after(async () => {
    if (carol) await closeClient(carol);
    await svc?.stop();
    await ejabberd?.stop();
  });

  it("a client on example.org gets disco#info from xsmtp.example.org", async () => {
    const reply = await carol.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("query", { xmlns: DISCO_INFO })));
    const query = reply.getChild("query", DISCO_INFO)!;
    assert.ok(query.getChildren("identity").some((i) => i.attrs.category === "component" && i.attrs.type === "generic"));
    const features = query.getChildren("feature").map((f) => f.attrs.var);
    assert.ok(features.includes(NS));
    assert.ok(features.includes("http://jabber.org/protocol/commands"));
  });

  it("verifies a message signed with a key enrolled by the CLI", async () => {
    const key = await enrollWithCli("alice@example.org", svc.env);
    const { signature, sent } = sign(aliceMessage({ "Message-ID": "<ej-1@example.org>" }), {
      keyId: key.key_id,
      secret: decodeSecret(key.secret)!,
      t: Math.floor(Date.now() / 1000),
    });
    const iq = verifyIq("x", signature, sent);
    delete iq.attrs.id;
    delete iq.attrs.from;
    const reply = await carol.iqCaller.request(iq);
    const v = reply.getChild("verification", NS)!;
    assert.equal(v.attrs.result, "pass");
    assert.equal(v.getChildText("message-id"), "ej-1@example.org");
  });

  it("xsmtp run with a wrong secret exits 78 with a clear message", async () => {
    const started = Date.now();
    const proc = startXsmtp(["run"], { ...svc.env, XSMTP_SECRET: "not-the-secret" });
    assert.equal(await proc.exited, 78);
    assert.ok(Date.now() - started < 10_000);
    assert.match(proc.output(), /refused the component secret/);
    assert.doesNotMatch(proc.output(), /not-the-secret/);
  });
});
