/**
 * What the verifier does before and around asking: §3.1 refusals without a
 * connection, bounded discovery (only the domain and its subdomains, at most
 * 10 items, one deadline), the per-domain cache, and linear-time parsing of
 * hostile disco and verify answers.
 *
 * References: PROTOCOL.md §3.1, §3.2, §4.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import xml from "@xmpp/xml";
import { discoCandidates } from "../../../mail/verify/discover-service.js";
import { Verifier } from "../../../mail/verify/verifier.js";
import { readVerification } from "../../../protocol/verification-answer.js";
import { bodyHash, splitMessage } from "../../../signature/index.js";
import { hostileMessage, HOSTILE, signerOf } from "../../support/hostile-answers.js";
import { assertLinear } from "../../support/linear-time.js";
import { scriptedSession, type Script } from "../../support/scripted-session.js";

const ITEMS = "http://jabber.org/protocol/disco#items";
const INFO = "http://jabber.org/protocol/disco#info";
const items = (...jids: (string | Record<string, string>)[]) =>
  xml("query", { xmlns: ITEMS }, ...jids.map((j) => xml("item", typeof j === "string" ? { jid: j } : j)));
const info = (feature?: string) => xml("query", { xmlns: INFO }, ...(feature ? [xml("feature", { var: feature })] : []));

function run(script: Script, options: { discoveryTimeout?: number; now?: () => number } = {}) {
  const asked: string[] = [];
  let connects = 0;
  const v = new Verifier({
    session: { jid: "mx@other.org", password: "pw" },
    connect: async () => (connects++, scriptedSession(script, asked)),
    warn: () => undefined,
    ...options,
  });
  const verify = async (message: Buffer) => {
    const split = splitMessage(message);
    return v.verify(message.subarray(0, split.bodyOffset), bodyHash(message.subarray(split.bodyOffset)));
  };
  return { verify, asked, connects: () => connects };
}

const answering: Script = (to, payload) => {
  if (payload.attrs.xmlns === ITEMS) return items("xsmtp.evil.example");
  if (payload.attrs.xmlns === INFO) return info("urn:xmpp:xsmtp:0");
  const { k, j } = signerOf(payload);
  return HOSTILE[k]!(k, j);
};

describe("before asking: §3.1 refusals never open a connection", () => {
  const cases: [string, string][] = [
    ["From: a@evil.example\r\n", "duplicate-header"],
    ["Subject: a second subject\r\n", "duplicate-header"],
    ["X-Note: bare\rCR\r\n", "malformed-message"],
    ["X-Note: nul\0\r\n", "malformed-message"],
  ];
  for (const [extra, reason] of cases) {
    it(`${JSON.stringify(extra)} → permerror ${reason}`, async () => {
      const r = run(answering);
      const report = await r.verify(hostileMessage({ keyId: "honest-fail", extra }));
      assert.deepEqual(report, { result: "permerror", reason });
      assert.equal(r.connects(), 0);
    });
  }
  it("a message with no X-XMPP-Hash is none, even when malformed", async () => {
    const r = run(answering);
    assert.deepEqual(await r.verify(Buffer.from("From: a@b\r\nFrom: c@d\r\n\r\nx\r\n")), { result: "none", reason: "no-signature" });
  });
  it("a j that is no bare JID with a DNS domain is malformed-signature", async () => {
    const r = run(answering);
    const report = await r.verify(hostileMessage({ keyId: "honest-fail", jid: "mallory@evil_example" }));
    assert.deepEqual(report, { result: "permerror", reason: "malformed-signature" });
  });
});

describe("bounded discovery (PROTOCOL.md §4)", () => {
  it("an s= outside j's domain is not used; items outside the domain, with a node, '@' or '/' are never asked", async () => {
    const r = run((to, payload) =>
      to === "evil.example"
        ? items("xsmtp.example.org", "evilexample.org", { jid: "a.evil.example", node: "x" }, "u@evil.example", "evil.example/r", "b.evil.example")
        : answering(to, payload));
    const report = await r.verify(hostileMessage({ keyId: "honest-fail", s: "xsmtp.example.org" }));
    assert.equal(report.reason, "signature-mismatch");
    assert.deepEqual(r.asked, [`evil.example ${ITEMS}`, `b.evil.example ${INFO}`, "b.evil.example urn:xmpp:xsmtp:0"]);
  });

  it("1000 items: only the first 10 are asked, then no-service, cached for 5 minutes", async () => {
    let now = 0;
    const r = run((to, payload) => (to === "evil.example" ? items(...Array.from({ length: 1000 }, (_, i) => `s${i}.evil.example`)) : payload.attrs.xmlns === INFO ? info() : null), { now: () => now });
    assert.equal((await r.verify(hostileMessage({ keyId: "honest-fail" }))).reason, "no-service");
    assert.equal(r.asked.length, 11);
    assert.deepEqual(r.asked.slice(1, 3), [`s0.evil.example ${INFO}`, `s1.evil.example ${INFO}`]);
    now += 4 * 60_000;
    assert.equal((await r.verify(hostileMessage({ keyId: "honest-fail" }))).reason, "no-service");
    assert.equal(r.asked.length, 11, "cached");
    now += 2 * 60_000;
    await r.verify(hostileMessage({ keyId: "honest-fail" }));
    assert.equal(r.asked.length, 22, "expired after 5 minutes");
  });

  it("a found service is cached for an hour: a batch asks disco once", async () => {
    let now = 0;
    const r = run(answering, { now: () => now });
    for (let i = 0; i < 3; i++) assert.equal((await r.verify(hostileMessage({ keyId: "honest-fail" }))).reason, "signature-mismatch");
    assert.equal(r.asked.filter((a) => !a.endsWith("urn:xmpp:xsmtp:0")).length, 2);
    now += 61 * 60_000;
    await r.verify(hostileMessage({ keyId: "honest-fail" }));
    assert.equal(r.asked.filter((a) => !a.endsWith("urn:xmpp:xsmtp:0")).length, 4);
  });

  it("items that never answer: temperror discovery-failed once the one deadline passes", async () => {
    const r = run((to) => (to === "evil.example" ? items(...Array.from({ length: 10 }, (_, i) => `s${i}.evil.example`)) : "never"), { discoveryTimeout: 300 });
    const started = Date.now();
    const report = await r.verify(hostileMessage({ keyId: "honest-fail" }));
    assert.deepEqual([report.result, report.reason], ["temperror", "discovery-failed"]);
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
    assert.equal(r.asked.length, 2, "no item asked after the deadline");
  });
});

describe("linear-time parsing of hostile answers (PROTOCOL.md §3.2)", () => {
  const discoOf = (bytes: number) => xml("iq", {}, items(...Array.from({ length: bytes / 100 }, (_, i) => ({ jid: `${"x".repeat(60)}${i}.elsewhere.example`, node: i % 2 ? "n" : undefined } as Record<string, string>))));
  // A pass about the right j and k, so every check runs: many <from> children and a long <message-id>.
  const answerOf = (bytes: number) => xml("iq", {}, xml("verification", { xmlns: "urn:xmpp:xsmtp:0", result: "pass", jid: "m@evil.example", key: "k" },
    xml("message-id", {}, "i".repeat(bytes / 2)), ...Array.from({ length: bytes / 60 }, () => xml("from", { authorized: "true" }, "a@evil.example"))));
  for (const [name, build, parse] of [
    ["disco#items", discoOf, (e: xml.Element) => discoCandidates(e, "evil.example")],
    ["verify answer", answerOf, (e: xml.Element) => readVerification(e, { jid: "m@evil.example", keyId: "k" })],
  ] as const) {
    // The shared check (test/support/linear-time.ts): CPU time, best of
    // several batches, 10 KB -> 100 KB -> 1 MB, so a shared machine's load
    // neither fails a linear parser nor hides a quadratic one.
    it(`${name}: 1 MB takes about 100× (linear, not 10,000×) the time of 10 KB`, async () => {
      const measured = await assertLinear(name, build, parse);
      console.log(`# ${name}: 1 MB / 10 KB CPU-time ratio ${measured.ratio.toFixed(1)}`);
    });
  }
});
