import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { decodeSecret } from "../../../../signature/index.js";
import { assertStanza } from "../../../support/assert-stanza.js";
import { insertKnownKey } from "../../../support/keys.js";
import { aliceMessage, fieldsToSend, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../../support/stanza-harness.js";

const vectors = JSON.parse(readFileSync(new URL("../../../../../test/fixtures/vectors.json", import.meta.url), "utf8"));
const SECRET = decodeSecret(vectors.secret)!;
const T = TEST_CLOCK_START / 1000;
// The vectors' t= values are from November 2025 (their Date fields say 2026),
// so they are checked with the clock set just after each vector's t.
const atVectorTime = async <R>(v: { t: number }, run: () => Promise<R>): Promise<R> => {
  const clock = h.service.context.clock;
  const saved = clock.now;
  clock.now = () => v.t * 1000 + 5000;
  try {
    return await run();
  } finally {
    clock.now = saved;
  }
};
let h: Harness;
const NS = "urn:xmpp:xsmtp:0";
const reply = (id: string, inner: string, to = "mx@other.org/gw") =>
  `<iq type='result' id='${id}' to='${to}' from='xsmtp.example.org'>${inner}</iq>`;

describe("the verify IQ (PROTOCOL.md §5)", () => {
  let n = 0;
  const ask = async (signature: string, sent: { name: string; value: string }[], from?: string) => {
    const id = `v${++n}`;
    return { id, reply: await h.request(verifyIq(id, signature, sent, from)) };
  };

  before(async () => {
    h = await startHarness({ XSMTP_VERIFY_RATE: "1000" });
    const db = h.service.context.store;
    await insertKnownKey(db, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => h.stop());

  it("the §9 vector passes, with from, message-id and seen", async () => {
    const v = vectors.vectors[0];
    const raw = Buffer.from(("X-XMPP-Identity: alice@example.org\n" + v.message).replace(/\r?\n/g, "\r\n"));
    const sent = fieldsToSend(raw.subarray(raw.indexOf("\n") + 1), v.x_xmpp_hash, "alice@example.org");
    const { id, reply: r } = await atVectorTime(v, () => ask(v.x_xmpp_hash, sent));
    assertStanza(
      r,
      reply(
        id,
        `<verification xmlns='${NS}' result='pass' jid='alice@example.org' key='laptop'>
          <from authorized='true'>alice@example.org</from>
          <message-id>20261128100000.42@mail.example.org</message-id>
          <seen verifications='1' domains='1'/>
        </verification>`,
      ),
    );
  });

  it("seen counts passes and distinct verifier domains", async () => {
    const v = vectors.vectors[0];
    const raw = Buffer.from(v.message.replace(/\r?\n/g, "\r\n"));
    const sent = fieldsToSend(raw, v.x_xmpp_hash, "alice@example.org");
    await atVectorTime(v, () => ask(v.x_xmpp_hash, sent, "mx@other.org/gw"));
    const { id, reply: r } = await atVectorTime(v, () => ask(v.x_xmpp_hash, sent, "mx@third.example/gw"));
    assertStanza(
      r,
      reply(
        id,
        `<verification xmlns='${NS}' result='pass' jid='alice@example.org' key='laptop'>
          <from authorized='true'>alice@example.org</from>
          <message-id>20261128100000.42@mail.example.org</message-id>
          <seen verifications='3' domains='2'/>
        </verification>`,
        "mx@third.example/gw",
      ),
    );
  });

  it("every other vector passes (oversigning, repeated fields, x/s tags, UTF-8)", async () => {
    for (const v of vectors.vectors.slice(1)) {
      const raw = Buffer.from(v.message.replace(/\r?\n/g, "\r\n"));
      const { reply: r } = await atVectorTime(v, () => ask(v.x_xmpp_hash, fieldsToSend(raw, v.x_xmpp_hash, "alice@example.org")));
      assert.equal(r?.getChild("verification", NS)?.attrs.result, "pass", `${v.name}: ${r}`);
    }
  });

  it("a From that is not the identity's address passes with authorized='false'", async () => {
    const { signature, sent } = sign(aliceMessage({ From: "Mallory <mallory@example.org>", "Message-ID": "<m-from@x>" }), {
      keyId: "laptop",
      secret: SECRET,
      t: T,
    });
    const { id, reply: r } = await ask(signature, sent);
    assertStanza(
      r,
      reply(
        id,
        `<verification xmlns='${NS}' result='pass' jid='alice@example.org' key='laptop'>
          <from authorized='false'>mallory@example.org</from>
          <message-id>m-from@x</message-id>
          <seen verifications='1' domains='1'/>
        </verification>`,
      ),
    );
  });

  const failures: [string, string, () => { signature: string; sent: { name: string; value: string }[] }][] = [
    ["fail", "signature-mismatch", () => {
      const s = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      return { ...s, sent: s.sent.map((f) => (f.name === "Subject" ? { ...f, value: " Lunch!" } : f)) };
    }],
    ["fail", "signature-mismatch", () => sign(aliceMessage(), { keyId: "laptop", secret: Buffer.alloc(32, 7), t: T })],
    ["fail", "signature-expired", () => sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T - 100, x: T - 1 })],
    ["fail", "signature-expired", () => sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T - 2592001 })],
    ["fail", "signature-from-future", () => sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T + 301 })],
    ["permerror", "malformed-signature", () => ({ signature: "this is not a tag list", sent: [] })],
    ["permerror", "unsupported-version", () => {
      const s = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      return { ...s, signature: s.signature.replace("v=1;", "v=2;") };
    }],
    ["permerror", "unsupported-algorithm", () => {
      const s = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      return { ...s, signature: s.signature.replace("a=hmac-sha256", "a=hmac-sha1") };
    }],
    ["permerror", "missing-header", () => {
      const s = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      return { ...s, sent: s.sent.filter((f) => f.name !== "Date") };
    }],
    ["permerror", "identity-mismatch", () => sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T, identity: "carol@example.org" })],
    ["permerror", "wrong-service", () => sign(aliceMessage(), { jid: "carol@other.org", keyId: "laptop", secret: SECRET, t: T })],
    ["permerror", "identity-unknown", () => sign(aliceMessage(), { jid: "dave@example.org", keyId: "laptop", secret: SECRET, t: T })],
    ["permerror", "key-unknown", () => sign(aliceMessage(), { keyId: "phone", secret: SECRET, t: T })],
  ];

  for (const [result, reason, make] of failures) {
    it(`answers ${result} ${reason}`, async () => {
      const { signature, sent } = make();
      const { id, reply: r } = await ask(signature, sent);
      const v = r?.getChild("verification", NS);
      const jid = v?.attrs.jid ? ` jid='${v.attrs.jid}'` : "";
      const key = v?.attrs.key ? ` key='${v.attrs.key}'` : "";
      assertStanza(r, reply(id, `<verification xmlns='${NS}' result='${result}' reason='${reason}'${jid}${key}/>`));
    });
  }

  it("a revoked key fails key-revoked, even when the signature is also expired (§5 order)", async () => {
    const db = h.service.context.store;
    await insertKnownKey(db, h.masterKey, "alice@example.org", "old-phone", SECRET, TEST_CLOCK_START - 86_400_000);
    await db.identity.revokeKey(TEST_CLOCK_START - 1000, "alice@example.org", "old-phone");
    const { signature, sent } = sign(aliceMessage(), { keyId: "old-phone", secret: SECRET, t: T - 100, x: T - 1 });
    const { id, reply: r } = await ask(signature, sent);
    assertStanza(r, reply(id, `<verification xmlns='${NS}' result='fail' reason='key-revoked' jid='alice@example.org' key='old-phone'/>`));
  });

  it("a retired key verifies mail signed before it was retired and fails key-retired after", async () => {
    const db = h.service.context.store;
    await insertKnownKey(db, h.masterKey, "alice@example.org", "desktop", SECRET, TEST_CLOCK_START - 86_400_000);
    await db.identity.retireKey(TEST_CLOCK_START - 3600_000, "alice@example.org", "desktop");
    const before = sign(aliceMessage({ "Message-ID": "<old@x>" }), { keyId: "desktop", secret: SECRET, t: T - 7200 });
    const r1 = await ask(before.signature, before.sent);
    assert.equal(r1.reply?.getChild("verification", NS)?.attrs.result, "pass");
    const afterRetire = sign(aliceMessage(), { keyId: "desktop", secret: SECRET, t: T - 60 });
    const { id, reply: r } = await ask(afterRetire.signature, afterRetire.sent);
    assertStanza(r, reply(id, `<verification xmlns='${NS}' result='fail' reason='key-retired' jid='alice@example.org' key='desktop'/>`));
  });

  it("a request without <signature/> answers bad-request", async () => {
    const r = await h.request(
      `<iq type='get' id='b1' from='mx@other.org/gw' to='xsmtp.example.org'><verify xmlns='${NS}'><header name='From'>a@b</header></verify></iq>`,
    );
    assertStanza(
      r,
      `<iq type='error' id='b1' to='mx@other.org/gw' from='xsmtp.example.org'>
        <verify xmlns='${NS}'><header name='From'>a@b</header></verify>
        <error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("a signature with element content answers bad-request", async () => {
    const r = await h.request(
      `<iq type='get' id='b2' from='mx@other.org/gw' to='xsmtp.example.org'><verify xmlns='${NS}'><signature><b/></signature></verify></iq>`,
    );
    assertStanza(
      r,
      `<iq type='error' id='b2' to='mx@other.org/gw' from='xsmtp.example.org'>
        <verify xmlns='${NS}'><signature><b/></signature></verify>
        <error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>`,
    );
  });

  it("no reply ever contains the secret or the expected MAC", async () => {
    const secretB64 = SECRET.toString("base64");
    for (const stanza of h.sent) {
      const text = stanza.toString();
      assert.ok(!text.includes(vectors.secret) && !text.includes(secretB64), "secret leaked");
    }
  });
});

describe("verification rate limit", () => {
  it("past XSMTP_VERIFY_RATE per domain answers resource-constraint (wait); other domains are unaffected", async () => {
    const h = await startHarness({ XSMTP_VERIFY_RATE: "2" });
    try {
      await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START);
      const { signature, sent } = sign(aliceMessage(), { keyId: "laptop", secret: SECRET, t: T });
      for (const id of ["r1", "r2"]) {
        const r = await h.request(verifyIq(id, signature, sent));
        assert.equal(r?.attrs.type, "result");
      }
      const limited = await h.request(verifyIq("r3", signature, sent));
      assert.equal(limited?.getChild("error")?.toString(), `<error type="wait"><resource-constraint xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error>`);
      const other = await h.request(verifyIq("r4", signature, sent, "gw@third.example/x"));
      assert.equal(other?.attrs.type, "result");
      h.clock.advance(30_000); // one token back at 2 per minute
      const later = await h.request(verifyIq("r5", signature, sent));
      assert.equal(later?.attrs.type, "result");
    } finally {
      await h.stop();
    }
  });
});

describe("identity disco node (PROTOCOL.md §7)", () => {
  it("answers the feature and a form with enrolled-since and active key ids; unknown JIDs item-not-found", async () => {
    const h = await startHarness();
    try {
      const core = h.service.features.identities.core;
      const issued = (await core.enroll("alice@example.org", "laptop"));
      assert.ok(typeof issued !== "string", String(issued));
      const r = await h.request(
        `<iq type='get' id='d1' from='mx@other.org/gw' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#info' node='alice@example.org'/></iq>`,
      );
      assertStanza(
        r,
        reply(
          "d1",
          `<query xmlns='http://jabber.org/protocol/disco#info' node='alice@example.org'>
            <feature var='urn:xmpp:xsmtp:0'/>
            <x xmlns='jabber:x:data' type='result'>
              <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:xsmtp:0#identity</value></field>
              <field var='enrolled-since'><value>2026-11-28T10:00:00Z</value></field>
              <field var='keys'><value>${issued.keyId}</value></field>
            </x>
          </query>`,
        ),
      );
      const unknown = await h.request(
        `<iq type='get' id='d2' from='mx@other.org/gw' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#info' node='nobody@example.org'/></iq>`,
      );
      assertStanza(
        unknown,
        `<iq type='error' id='d2' to='mx@other.org/gw' from='xsmtp.example.org'>
          <query xmlns='http://jabber.org/protocol/disco#info' node='nobody@example.org'/>
          <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
        </iq>`,
      );
    } finally {
      await h.stop();
    }
  });
});
