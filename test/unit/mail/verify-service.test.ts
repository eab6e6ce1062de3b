/**
 * The verifier against the real service logic (stanza harness, no server):
 * discovery (§4), the verify IQ it builds (§5) and how it reads the answer.
 * Interop: a message signed by an independent implementation (mailauth's
 * canonicalization + node:crypto HMAC) passes, and so does our signer's output.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { PassThrough, Readable } from "node:stream";
import { bodyHash, decodeSecret, splitMessage } from "../../../signature/index.js";
import { Verifier } from "../../../mail/verify/verifier.js";
import { signStream } from "../../../mail/sign/sign-stream.js";
import { harnessSession } from "../../support/harness-session.js";
import { insertKnownKey } from "../../support/keys.js";
import { SECRET_TEXT } from "../../support/mail-cli.js";
import { theirSign } from "../../support/mailauth-dkim.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../support/stanza-harness.js";

const SECRET = decodeSecret(SECRET_TEXT)!;
const T = TEST_CLOCK_START / 1000;
const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
let h: Harness;
let asked: string[];

const verifier = (extra: Partial<ConstructorParameters<typeof Verifier>[0]> = {}) =>
  new Verifier({
    session: { jid: "mx@other.org", password: "unused" },
    connect: async () => harnessSession(h, "mx@other.org/gw", asked),
    warn: () => undefined,
    ...extra,
  });

async function check(message: Buffer, v = verifier()) {
  const split = splitMessage(message);
  return v.verify(message.subarray(0, split.bodyOffset), bodyHash(message.subarray(split.bodyOffset)));
}

async function ourSign(message: Buffer, args: { service?: string } = {}): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await signStream(Readable.from([message]), out, { jid: "alice@example.org", keyId: "laptop", secret: SECRET, now: () => TEST_CLOCK_START, ...args });
  return Buffer.concat(chunks);
}

describe("the verifier with the service (PROTOCOL.md §4, §5)", () => {
  before(async () => {
    h = await startHarness({ XSMTP_VERIFY_RATE: "1000" });
    await insertKnownKey(h.service.context.store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => h.stop());

  it("a message signed by an independent §3 implementation passes; discovery skips the item without the feature", async () => {
    asked = [];
    const original = readFileSync(new URL("long-folded.eml", FIXTURES));
    const signed = theirSign(original, { jid: "alice@example.org", keyId: "laptop", secret: SECRET, t: T, h: "from:to:to:subject:date:message-id:x-xmpp-identity:x-xmpp-identity" });
    const report = await check(signed);
    assert.deepEqual(
      { ...report },
      { result: "pass", jid: "alice@example.org", keyId: "laptop", from: "alice@example.org", fromAuthorized: true, fromAligned: true, messageId: "long.folded@example.org", service: "xsmtp.example.org", seen: { verifications: 1, domains: 1 } },
    );
    assert.deepEqual(asked, ["example.org", "rooms.example.org", "xsmtp.example.org", "xsmtp.example.org"]);
  });

  for (const name of ["multipart-attachment.eml", "8bit-encoded-words.eml", "lf-only.eml", "no-body.eml"]) {
    it(`${name} signed by xsmtp sign passes; From naming another address passes with from-authorized=no`, async () => {
      const report = await check(await ourSign(readFileSync(new URL(name, FIXTURES))));
      assert.equal(report.result, "pass", report.reason);
      assert.equal(report.fromAuthorized, name !== "8bit-encoded-words.eml");
    });
  }

  it("s= naming the service is used without discovery; s= outside j's domain is ignored (§4)", async () => {
    asked = [];
    const original = readFileSync(new URL("lf-only.eml", FIXTURES));
    assert.equal((await check(await ourSign(original, { service: "xsmtp.example.org" }))).result, "pass");
    assert.deepEqual(asked, ["xsmtp.example.org"]);
    asked = [];
    const forged = theirSign(Buffer.from(original.toString().replace(/\n/g, "\r\n")), {
      jid: "alice@example.org", keyId: "laptop", secret: SECRET, t: T, h: "from:date:message-id:x-xmpp-identity", s: "verify.evil.example",
    });
    assert.equal((await check(forged)).result, "pass");
    assert.ok(!asked.includes("verify.evil.example"));
  });

  it("a changed signed header fails signature-mismatch; an unknown identity is permerror", async () => {
    const signed = (await ourSign(readFileSync(new URL("lf-only.eml", FIXTURES)))).toString();
    const tampered = Buffer.from(signed.replace("Subject: Written", "Subject: Rewritten"));
    assert.deepEqual([(await check(tampered)).result, (await check(tampered)).reason], ["fail", "signature-mismatch"]);
    const bobs = theirSign(Buffer.from("From: bob@example.org\r\nDate: x\r\nMessage-ID: <b@x>\r\n\r\nhi\r\n"), {
      jid: "bob@example.org", keyId: "phone", secret: SECRET, t: T, h: "from:date:message-id:x-xmpp-identity",
    });
    const report = await check(bobs);
    assert.deepEqual([report.result, report.reason], ["permerror", "identity-unknown"]);
  });

  it("--report delivered publishes to progress/<j>/<message-id> after a pass, which the service accepts from a verifier with a pass", async () => {
    const warnings: string[] = [];
    const v = verifier({ reportStage: "delivered", warn: (m) => warnings.push(m) });
    const report = await check(await ourSign(readFileSync(new URL("multipart-attachment.eml", FIXTURES))), v);
    assert.equal(report.result, "pass");
    assert.deepEqual(warnings, []);
    const events = h.sent.map((s) => s.toString()).filter((s) => s.includes("progress/alice@example.org/report-2026-q4@example.org"));
    assert.ok(events.some((e) => e.includes("stage=\"delivered\"") || e.includes("stage='delivered'")), events.join("\n"));
  });
  it("a verify IQ lost on a dead route (no answer, service-unavailable) is asked once more with a new IQ; a third loss is temperror", async () => {
    const signed = await ourSign(readFileSync(new URL("long-folded.eml", FIXTURES)), { service: "xsmtp.example.org" });
    const lossy = (losses: (string | undefined)[]) => {
      const inner = harnessSession(h, "mx@other.org/gw", []);
      const sent: string[] = [];
      return {
        sent,
        session: {
          ...inner,
          async request(type: "get" | "set", to: string, payload: Parameters<typeof inner.request>[2]) {
            if (payload.name === "verify" && losses.length) {
              sent.push("lost");
              const condition = losses.shift();
              throw Object.assign(new Error(condition ?? "timed out"), condition ? { condition } : {});
            }
            sent.push(payload.name);
            return inner.request(type, to, payload);
          },
        },
      };
    };
    for (const loss of [undefined, "service-unavailable"]) {
      const { session, sent } = lossy([loss]);
      const warnings: string[] = [];
      const report = await check(signed, verifier({ connect: async () => session, warn: (w) => warnings.push(w) }));
      assert.equal(report.result, "pass", String(loss));
      assert.deepEqual(sent, ["lost", "verify"]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /asking once more/);
    }
    const { session, sent } = lossy([undefined, undefined]);
    const report = await check(signed, verifier({ connect: async () => session }));
    assert.deepEqual([report.result, report.reason, sent], ["temperror", "timeout", ["lost", "lost"]]);
    // A refusal that is the service's answer (not the route's) is not asked again.
    const refused = lossy(["forbidden"]);
    assert.deepEqual([(await check(signed, verifier({ connect: async () => refused.session }))).reason, refused.sent], ["forbidden", ["lost"]]);
  });
});
