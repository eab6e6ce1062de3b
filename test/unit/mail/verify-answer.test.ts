/**
 * The verifier against a hostile service (scripted session, real Verifier
 * and renderer): whatever the service claims, the report names only the
 * identity that signed, and an answer about anyone or anything else is a
 * temperror bad-answer, logged. Whole Authentication-Results fields asserted.
 *
 * References: PROTOCOL.md §5, §5.1, §5.2; RFC 8601 §2.2.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import xml from "@xmpp/xml";
import { renderAuthResults } from "../../../mail/verify/auth-results.js";
import { Verifier } from "../../../mail/verify/verifier.js";
import { bodyHash, splitMessage } from "../../../signature/index.js";
import { HOSTILE, hostileMessage, signerOf } from "../../support/hostile-answers.js";
import { scriptedSession } from "../../support/scripted-session.js";

const NS = "urn:xmpp:xsmtp:0";

/** evil.example lists its service among junk items; the service answers by k=. */
function hostileDomain(to: string, payload: xml.Element) {
  if (to === "evil.example") {
    return xml("query", { xmlns: "http://jabber.org/protocol/disco#items" },
      xml("item", { jid: "xsmtp.example.org" }), xml("item", { jid: "x@evil.example" }), xml("item", { jid: "evil.example", node: "n" }),
      xml("item", { jid: "xsmtp.evil.example" }));
  }
  if (payload.attrs.xmlns === "http://jabber.org/protocol/disco#info") {
    return xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }, xml("feature", { var: NS }));
  }
  const { k, j } = signerOf(payload);
  return HOSTILE[k]!(k, j);
}

async function verifyAs(message: Buffer, warnings: string[] = [], asked: string[] = []) {
  const v = new Verifier({ session: { jid: "mx@other.org", password: "pw" }, connect: async () => scriptedSession(hostileDomain, asked), warn: (m) => warnings.push(m) });
  const split = splitMessage(message);
  const report = await v.verify(message.subarray(0, split.bodyOffset), bodyHash(message.subarray(split.bodyOffset)));
  await v.close();
  return renderAuthResults("mx.other.org", report);
}

// Every k here is longer than 5 characters, so the fold falls before header.from.
const badAnswer = (k: string) =>
  `Authentication-Results: mx.other.org; xsmtp=temperror reason="bad-answer"\r\n header.j=mallory@evil.example header.k=${k}\r\n header.from=mallory@evil.example policy.from-aligned=yes`;

describe("a hostile service's answers (PROTOCOL.md §5.1)", () => {
  const refused: [string, string][] = [
    ["claim-alice", "an answer about another identity"],
    ["other-key", "an answer about another key"],
    ["reason-crlf", "a reason outside the table for fail"],
    ["reason-unknown", "a reason outside the table for permerror"],
    ["reason-on-pass", "a reason outside the table for pass"],
    ["reason-long", "a reason outside the table for fail"],
    ["no-seen", "a pass without a well-formed <seen verifications domains>"],
    ["seen-garbage", "a pass without a well-formed <seen verifications domains>"],
    ["no-result", "a result outside pass, fail, permerror, temperror"],
    ["wrong-ns", "0 <verification/> elements"],
  ];
  for (const [k, problem] of refused) {
    it(`${k}: temperror bad-answer, logged in our words, nothing of it printed`, async () => {
      const warnings: string[] = [];
      const asked: string[] = [];
      assert.equal(await verifyAs(hostileMessage({ keyId: k }), warnings, asked), badAnswer(k));
      assert.deepEqual(warnings, [`the answer of xsmtp.evil.example about mallory@evil.example was refused: ${problem}`]);
      assert.ok(!asked.some((a) => a.startsWith("xsmtp.example.org") || a.startsWith("x@")), asked.join());
    });
  }

  it("two <verification/> elements: bad-answer", async () => {
    const warnings: string[] = [];
    const two = () => xml("wrap", {}, xml("verification", { xmlns: NS, result: "fail", reason: "signature-mismatch" }));
    const v = new Verifier({
      session: { jid: "mx@other.org", password: "pw" },
      connect: async () => ({ ...scriptedSession(hostileDomain), request: async () => { const iq = xml("iq", { type: "result" }, ...two().children as xml.Element[], ...two().children as xml.Element[]); return iq; } }),
      warn: (m) => warnings.push(m),
    });
    const m = hostileMessage({ keyId: "honest-fail", s: "xsmtp.evil.example" });
    const split = splitMessage(m);
    const report = await v.verify(m.subarray(0, split.bodyOffset), bodyHash(m.subarray(split.bodyOffset)));
    assert.deepEqual([report.result, report.reason, warnings.length], ["temperror", "bad-answer", 1]);
  });

  it("a pass for mallory that authorizes him as alice: pass for mallory only, From from the message, not aligned", async () => {
    const field = await verifyAs(hostileMessage({ keyId: "authorize-anyone", from: "Alice <alice@example.org>" }));
    assert.equal(field, "Authentication-Results: mx.other.org; xsmtp=pass header.j=mallory@evil.example\r\n header.k=authorize-anyone header.from=alice@example.org\r\n policy.from-authorized=yes policy.from-aligned=no");
  });

  it("a well-formed fail is reported with its reason", async () => {
    assert.equal(
      await verifyAs(hostileMessage({ keyId: "honest-fail" })),
      'Authentication-Results: mx.other.org; xsmtp=fail reason="signature-mismatch"\r\n header.j=mallory@evil.example header.k=honest-fail\r\n header.from=mallory@evil.example policy.from-aligned=yes',
    );
  });

  it("IQ errors: a defined condition is the reason, any other element name is bad-answer; silence is timeout", async () => {
    const head = "Authentication-Results: mx.other.org; xsmtp=temperror";
    assert.equal(
      await verifyAs(hostileMessage({ keyId: "error-busy" })),
      `${head}\r\n reason="resource-constraint" header.j=mallory@evil.example\r\n header.k=error-busy header.from=mallory@evil.example policy.from-aligned=yes`,
    );
    assert.equal(
      await verifyAs(hostileMessage({ keyId: "error-odd" })),
      `${head} reason="bad-answer"\r\n header.j=mallory@evil.example header.k=error-odd\r\n header.from=mallory@evil.example policy.from-aligned=yes`,
    );
    assert.equal(
      await verifyAs(hostileMessage({ keyId: "silent" })),
      `${head} reason="timeout"\r\n header.j=mallory@evil.example header.k=silent\r\n header.from=mallory@evil.example policy.from-aligned=yes`,
    );
  });

  it("the report is ASCII, within 998 octets a line, whatever the message's From and j hold", async () => {
    const cases: [Buffer, string][] = [
      [hostileMessage({ keyId: "honest-fail", from: "Ålice <ålice@exämple.org>" }), "header.from=xn--exmple-cua.org"],
      [hostileMessage({ keyId: "honest-fail", jid: "mällory@evil.example", from: "m@evil.example" }), "header.j=evil.example"],
      // A j of 993 octets fits its folded lines, but "header.j=" + j would not: left out.
      [hostileMessage({ keyId: "honest-fail", jid: `${"m".repeat(980)}@evil.example` }), 'reason="signature-mismatch"\r\n header.k=honest-fail'],
    ];
    for (const [message, expected] of cases) {
      const field = await verifyAs(message);
      assert.ok(field.includes(expected), JSON.stringify(field));
      assert.match(field, /^[\x20-\x7e\r\n]+$/);
      for (const line of field.split("\r\n")) assert.ok(Buffer.byteLength(line) <= 998, line);
    }
  });
});
