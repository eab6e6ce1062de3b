import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../support/assert-stanza.js";
import { startHarness, type Harness } from "../../support/stanza-harness.js";

describe("discovery and basics (whole stanzas)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it("disco#info on the service lists identity, features and the XEP-0128 form", async () => {
    const reply = await h.request(
      `<iq type='get' id='i1' from='bob@other.org/res' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
    );
    const features = (await h.service.context.disco.info(undefined, "bob@other.org"));
    if (typeof features === "string") throw new Error(features);
    assertStanza(
      reply,
      `<iq type='result' id='i1' to='bob@other.org/res' from='xsmtp.example.org'>
        <query xmlns='http://jabber.org/protocol/disco#info'>
          ${features.identities.map((i) => `<identity category='${i.category}' type='${i.type}'${i.name ? ` name='${i.name}'` : ""}/>`).join("")}
          ${features.features.map((f) => `<feature var='${f}'/>`).join("")}
          <x xmlns='jabber:x:data' type='result'>
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:xsmtp:0</value></field>
            <field var='versions'><value>1</value></field>
            <field var='algorithms'><value>hmac-sha256</value></field>
            <field var='max-signature-age'><value>2592000</value></field>
            <field var='user-domains'><value>example.org</value></field>
          </x>
        </query>
      </iq>`,
    );
  });

  it("advertises the component identity and the basic features", async () => {
    const info = (await h.service.context.disco.info(undefined, "bob@other.org"));
    if (typeof info === "string") throw new Error(info);
    for (const f of [
      "http://jabber.org/protocol/disco#info",
      "http://jabber.org/protocol/disco#items",
      "jabber:iq:version",
      "urn:xmpp:ping",
      "urn:xmpp:time",
    ]) {
      if (!info.features.includes(f)) throw new Error(`missing feature ${f}`);
    }
    if (!info.identities.some((i) => i.category === "component" && i.type === "generic" && i.name === "XSMTP")) {
      throw new Error("missing component/generic identity");
    }
  });

  it("disco#info on an unknown node answers item-not-found", async () => {
    const reply = await h.request(
      `<iq type='get' id='i2' from='bob@other.org/res' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#info' node='no-such-node'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='error' id='i2' to='bob@other.org/res' from='xsmtp.example.org'>
        <query xmlns='http://jabber.org/protocol/disco#info' node='no-such-node'/>
        <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("ping answers an empty result", async () => {
    const reply = await h.request(
      `<iq type='get' id='p1' from='bob@other.org/res' to='xsmtp.example.org'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    assertStanza(reply, `<iq type='result' id='p1' to='bob@other.org/res' from='xsmtp.example.org'/>`);
  });

  it("time answers the service clock in UTC (XEP-0202)", async () => {
    const reply = await h.request(
      `<iq type='get' id='t1' from='bob@other.org/res' to='xsmtp.example.org'><time xmlns='urn:xmpp:time'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='result' id='t1' to='bob@other.org/res' from='xsmtp.example.org'>
        <time xmlns='urn:xmpp:time'><tzo>+00:00</tzo><utc>2026-11-28T10:00:00Z</utc></time>
      </iq>`,
    );
  });

  it("version answers name and version without the OS", async () => {
    const reply = await h.request(
      `<iq type='get' id='v1' from='bob@other.org/res' to='xsmtp.example.org'><query xmlns='jabber:iq:version'/></iq>`,
    );
    const { XSMTP_VERSION } = await import("../../../component/basics/version.js");
    assertStanza(
      reply,
      `<iq type='result' id='v1' to='bob@other.org/res' from='xsmtp.example.org'>
        <query xmlns='jabber:iq:version'><name>XSMTP</name><version>${XSMTP_VERSION}</version></query>
      </iq>`,
    );
  });

  it("an IQ in an unserved namespace answers service-unavailable", async () => {
    const reply = await h.request(
      `<iq type='get' id='u1' from='bob@other.org/res' to='xsmtp.example.org'><query xmlns='jabber:iq:roster'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='error' id='u1' to='bob@other.org/res' from='xsmtp.example.org'>
        <query xmlns='jabber:iq:roster'/>
        <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("a set on a get-only namespace answers service-unavailable", async () => {
    const reply = await h.request(
      `<iq type='set' id='u2' from='bob@other.org/res' to='xsmtp.example.org'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='error' id='u2' to='bob@other.org/res' from='xsmtp.example.org'>
        <ping xmlns='urn:xmpp:ping'/>
        <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("an IQ get with two payloads answers bad-request", async () => {
    const reply = await h.request(
      `<iq type='get' id='b1' from='bob@other.org/res' to='xsmtp.example.org'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='error' id='b1' to='bob@other.org/res' from='xsmtp.example.org'>
        <ping xmlns='urn:xmpp:ping'/>
        <error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("IQ results and errors, messages and presence get no reply", async () => {
    const before = h.sent.length;
    for (const stanza of [
      `<iq type='result' id='r1' from='bob@other.org/res' to='xsmtp.example.org'/>`,
      `<iq type='error' id='r2' from='bob@other.org/res' to='xsmtp.example.org'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      `<message id='m1' from='bob@other.org/res' to='xsmtp.example.org'><body>hi</body></message>`,
      `<presence id='pr1' from='bob@other.org/res' to='xsmtp.example.org'/>`,
    ]) {
      await h.request(stanza, 100);
    }
    if (h.sent.length !== before) throw new Error(`unexpected replies: ${h.sent.slice(before).join(" ")}`);
  });

  it("a handler that throws answers internal-server-error, exactly once", async () => {
    h.service.context.router.get("urn:test:boom", "boom", () => {
      throw new Error("bug");
    });
    const before = h.sent.length;
    const reply = await h.request(
      `<iq type='get' id='x1' from='bob@other.org/res' to='xsmtp.example.org'><boom xmlns='urn:test:boom'/></iq>`,
    );
    assertStanza(
      reply,
      `<iq type='error' id='x1' to='bob@other.org/res' from='xsmtp.example.org'>
        <boom xmlns='urn:test:boom'/>
        <error type='cancel'><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
    await new Promise((r) => setTimeout(r, 50));
    if (h.sent.length !== before + 1) throw new Error("expected exactly one reply");
  });
});
