/**
 * The verify IQ's §3.2 limits, empty required fields (§5 order) and the rate
 * limit per organizational domain, asserted as whole stanzas.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import xml from "@xmpp/xml";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { hostileText, paddedSigned } from "../../../support/hostile-verify.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";
import { parseVerify, VERIFY_LIMITS } from "../../../../protocol/verify-request.js";

const NS = "urn:xmpp:xsmtp:0";
const SECRET = Buffer.alloc(32, 42);
const T = TEST_CLOCK_START / 1000;
const reply = (id: string, inner: string, to = "mx@other.org/gw") =>
  `<iq type='result' id='${id}' to='${to}' from='xsmtp.example.org'>${inner}</iq>`;
const malformed = (id: string) => reply(id, `<verification xmlns='${NS}' result='permerror' reason='malformed-signature'/>`);

const padded = (pads: number, value: (i: number) => string, messageId: string) =>
  paddedSigned(pads, value, { messageId, keyId: "laptop", secret: SECRET, t: T });
const hostile = hostileText;

let h: Harness;
let n = 0;
const ask = async (iq: xml.Element) => h.request(iq, 5000);

describe("verify IQ limits (PROTOCOL.md §3.2)", () => {
  before(async () => {
    h = await startHarness({ XSMTP_VERIFY_RATE: "1000" });
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => h.stop());

  it("64 header elements and just under 256 KiB of hostile white space pass", async () => {
    const { signature, sent } = padded(60, () => hostile(4000), "<max@x>");
    assert.equal(sent.length, VERIFY_LIMITS.headers);
    const id = `l${++n}`;
    assertStanza(
      await ask(verifyIq(id, signature, sent)),
      reply(
        id,
        `<verification xmlns='${NS}' result='pass' jid='alice@example.org' key='laptop'>
          <from authorized='true'>alice@example.org</from><message-id>max@x</message-id><seen verifications='1' domains='1'/>
        </verification>`,
      ),
    );
  });

  it("a 65th header element is malformed-signature, a result and not an IQ error", async () => {
    const { signature, sent } = padded(60, () => "x", "<65@x>");
    const id = `l${++n}`;
    assertStanza(await ask(verifyIq(id, signature, [...sent, { name: "X-Extra", value: "y" }])), malformed(id));
  });

  it("over 256 KiB is malformed-signature", async () => {
    const { signature, sent } = padded(60, () => hostile(4400), "<big@x>");
    const id = `l${++n}`;
    assertStanza(await ask(verifyIq(id, signature, sent)), malformed(id));
  });

  it("a signature over 8,192 octets is malformed-signature, answered without parsing its 256 KiB", async () => {
    // The tag list of "x" + white space + "y" costs a backtracking trim far more than linear time.
    const signature = "v=1; a=x" + " ".repeat(250_000) + "y; j=alice@example.org";
    const { sent } = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
    const id = `l${++n}`;
    const started = performance.now();
    assertStanza(await ask(verifyIq(id, signature, sent)), malformed(id));
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
  });

  it("past a limit, a request that is no verification request at all stays bad-request", async () => {
    const huge = "x".repeat(300_000);
    for (const verify of [
      `<verify xmlns='${NS}'><header name='From'>${huge}</header></verify>`,
      `<verify xmlns='${NS}'><signature>v=1</signature><header name='From'>${huge}</header><header name='To'><b/></header></verify>`,
    ]) {
      const id = `l${++n}`;
      const r = await h.request(`<iq type='get' id='${id}' from='mx@other.org/gw' to='xsmtp.example.org'>${verify}</iq>`);
      assertStanza(
        r,
        `<iq type='error' id='${id}' to='mx@other.org/gw' from='xsmtp.example.org'>${verify}
          <error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    }
  });

  it("parsing is linear: 200,000 tiny elements or deep nesting are measured, not parsed", async () => {
    const many = xml("verify", { xmlns: NS }, xml("signature", {}, "v=1"));
    for (let i = 0; i < 200_000; i++) many.children.push(xml("x"));
    let deep = xml("y");
    for (let i = 0; i < 100_000; i++) deep = xml("y", {}, deep);
    const nested = xml("verify", { xmlns: NS }, xml("signature", {}, "v=1"), deep, xml("pad", {}, "p".repeat(300_000)));
    const started = performance.now();
    assert.equal(parseVerify(many), "past-limit");
    assert.equal(parseVerify(nested), "past-limit");
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
  });
});

describe("empty required fields (PROTOCOL.md §5: missing-header before key lookup)", () => {
  before(async () => {
    h = await startHarness({ XSMTP_VERIFY_RATE: "1000" });
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => h.stop());

  // Key "phone" does not exist: were the key looked up first, the answer would be key-unknown.
  const cases: [string, Partial<Record<string, string>>][] = [
    ["Message-ID <>", { "Message-ID": "<>" }],
    ["Message-ID of white space", { "Message-ID": " \t " }],
    ["Message-ID < >", { "Message-ID": "< >" }],
    ["Date of white space", { Date: "  " }],
  ];
  for (const [name, fields] of cases) {
    it(`${name} is missing-header`, async () => {
      const { signature, sent } = sign(aliceMessage(fields), { keyId: "phone", secret: SECRET, t: T });
      const id = `e${++n}`;
      assertStanza(
        await ask(verifyIq(id, signature, sent)),
        reply(id, `<verification xmlns='${NS}' result='permerror' reason='missing-header' jid='alice@example.org' key='phone'/>`),
      );
    });
  }
});

describe("verification rate limit per organizational domain", () => {
  it("a.mallory.org and b.mallory.org share one bucket; other.org has its own", async () => {
    const hr = await startHarness({ XSMTP_VERIFY_RATE: "2" });
    try {
      await insertKnownKey(hr.service.context.store, hr.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START);
      const { signature, sent } = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      assert.equal((await hr.request(verifyIq("o1", signature, sent, "mx@a.mallory.org/gw")))?.attrs.type, "result");
      assert.equal((await hr.request(verifyIq("o2", signature, sent, "mx@mallory.org/gw")))?.attrs.type, "result");
      const iq = verifyIq("o3", signature, sent, "mx@b.mallory.org/gw");
      assertStanza(
        await hr.request(iq),
        `<iq type='error' id='o3' to='mx@b.mallory.org/gw' from='xsmtp.example.org'>${iq.getChild("verify")}
          <error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
      assert.equal((await hr.request(verifyIq("o4", signature, sent, "mx@other.org/gw")))?.attrs.type, "result");
    } finally {
      await hr.stop();
    }
  });
});
