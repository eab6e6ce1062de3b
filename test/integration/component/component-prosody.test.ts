/**
 * The component attached to a real Prosody: discovery and basics from a
 * client on another virtual host, wrong secret, conflict, restarts, signals.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { xml } from "@xmpp/client";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { connectClient, closeClient } from "../../../devtools/xmpp-client.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { startXsmtp } from "../../../devtools/xsmtp-process.js";

const SECRET = "component-secret-for-tests";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";

describe("component on Prosody", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET });
    await prosody.register("bob", "other.org", "bobpass");
    svc = await startTestService(prosody.componentPort, SECRET);
  });
  after(async () => {
    await svc?.stop();
    await prosody?.stop();
  });

  it("a client on other.org gets disco#info from xsmtp.example.org", async () => {
    const bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
    try {
      const reply = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("query", { xmlns: DISCO_INFO })));
      const query = reply.getChild("query", DISCO_INFO)!;
      const identity = query.getChildren("identity").find((i) => i.attrs.category === "component");
      assert.deepEqual({ ...identity?.attrs }, { category: "component", type: "generic", name: "XSMTP" });
      const features = query.getChildren("feature").map((f) => f.attrs.var);
      for (const f of [DISCO_INFO, "http://jabber.org/protocol/disco#items", "urn:xmpp:xsmtp:0", "urn:xmpp:ping", "urn:xmpp:time", "jabber:iq:version"]) {
        assert.ok(features.includes(f), `missing ${f}`);
      }
      const form = query.getChild("x", "jabber:x:data")!;
      const formType = form.getChildren("field").find((f) => f.attrs.var === "FORM_TYPE")?.getChildText("value");
      assert.equal(formType, "urn:xmpp:xsmtp:0");
    } finally {
      await closeClient(bob);
    }
  });

  it("ping, time and version answer; an unserved namespace gets service-unavailable", async () => {
    const bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
    try {
      const ping = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
      assert.equal(ping.attrs.type, "result");
      const time = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("time", { xmlns: "urn:xmpp:time" })));
      assert.match(time.getChild("time")?.getChildText("utc") ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const version = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("query", { xmlns: "jabber:iq:version" })));
      assert.equal(version.getChild("query")?.getChildText("name"), "XSMTP");
      await assert.rejects(
        bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("query", { xmlns: "jabber:iq:roster" }))),
        (err: Error & { condition?: string }) => err.condition === "service-unavailable",
      );
    } finally {
      await closeClient(bob);
    }
  });

  it("comes back online by itself within 5 s after Prosody restarts", async () => {
    for (let i = 0; i < 2; i++) {
      const back = new Promise<void>((resolve) => svc.service.connection.onOnline(resolve));
      await prosody.restart();
      const restartedAt = Date.now();
      await back;
      assert.ok(Date.now() - restartedAt < 5000, `back online after ${Date.now() - restartedAt} ms`);
    }
    const bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
    try {
      const ping = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
      assert.equal(ping.attrs.type, "result");
    } finally {
      await closeClient(bob);
    }
  });

  it("xsmtp run with a wrong secret exits 78 (EX_CONFIG, not restarted by systemd) within 10 s, naming the cause", async () => {
    const started = Date.now();
    const proc = startXsmtp(["run"], { ...svc.env, XSMTP_SECRET: "wrong", XSMTP_DOMAIN: "xsmtp.example.org" });
    const code = await proc.exited;
    assert.equal(code, 78);
    assert.ok(Date.now() - started < 10_000);
    assert.match(proc.output(), /refused the component secret/);
    assert.doesNotMatch(proc.output(), /wrong/, "the secret must not be logged");
  });

  it("a second xsmtp run for the attached JID exits 78 with a conflict", async () => {
    const proc = startXsmtp(["run"], svc.env);
    const code = await proc.exited;
    assert.equal(code, 78);
    assert.match(proc.output(), /already attached/);
  });

  it("xsmtp run logs once online and exits 0 on SIGTERM and on SIGINT", async () => {
    await svc.stop();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const proc = startXsmtp(["run"], svc.env);
      await proc.waitFor(/"msg":"online"/);
      proc.child.kill(signal);
      assert.equal(await proc.exited, 0);
      assert.doesNotMatch(proc.output(), new RegExp(SECRET));
    }
    svc = await startTestService(prosody.componentPort, SECRET, { XSMTP_DATABASE: svc.env.XSMTP_DATABASE!, XSMTP_KEY_FILE: svc.env.XSMTP_KEY_FILE! });
  });
});
