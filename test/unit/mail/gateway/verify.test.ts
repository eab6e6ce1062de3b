/**
 * The gateway verifies incoming signed mail: whole decisions for pass, fail
 * (mark, quarantine, reject), an unaligned fail, temperror (accept,
 * tempfail, deadline), forged Authentication-Results of our authserv-id, the
 * sender's own users answered in process, and delivered reported after a pass.
 *
 * References: PROTOCOL.md §5.1, §5.2, §6, §11; RFC 8601 §5; RFC 3463.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { describe, it } from "node:test";
import { GatewayPolicy, type GatewaySettings } from "../../../../mail/gateway/index.js";
import type { MilterHeader } from "../../../../mail/milter/index.js";
import { answer, applyEdits, fakeService, header, milterMessage, passAnswer, SETTINGS, type FakeService } from "../../../support/gateway-fakes.js";

const quiet = { info: () => undefined, warn: () => undefined };
const NOW = Date.UTC(2026, 10, 28, 10, 0, 0);
const BODY = Buffer.from("Lunch at noon?\r\n");
const SENDER = fakeService({ identities: { "alice@example.org": "alice@example.org", "alice@mail.example.net": "alice@example.org" } });

/** alice's message, signed by example.org's gateway policy: the headers as other.org's Postfix would see them. */
async function signedHeaders(from = " Alice <alice@example.org>"): Promise<MilterHeader[]> {
  const message = milterMessage({ client: "127.0.0.1", headers: [header("From", from), header("To", " bob@other.org"), header("Subject", " Lunch"), header("Date", " Sat, 28 Nov 2026 10:00:00 +0000"), header("Message-ID", " <m1@example.org>")] });
  const policy = new GatewayPolicy({ service: SENDER, settings: SETTINGS, log: quiet, now: () => NOW });
  message.bodyBytes = BODY.length;
  policy.bodyChunk(BODY, message);
  return applyEdits(message.headers, (await policy.endOfMessage(message)).actions);
}

async function verifyAt(service: FakeService, headers: MilterHeader[], settings: Partial<GatewaySettings> = {}, body = BODY) {
  const policy = new GatewayPolicy({ service, settings: { ...SETTINGS, ...settings }, log: quiet, now: () => NOW });
  const message = milterMessage({ client: "192.0.2.25", headers });
  message.bodyBytes = body.length;
  policy.bodyChunk(body, message);
  return policy.endOfMessage(message);
}

/** other.org's gateway: example.org's service answers over XMPP (disco skipped: s= is not set, so the items are asked). */
function receiver(verification: () => Promise<ReturnType<typeof answer>>): FakeService {
  return fakeService({
    jid: "xsmtp.other.org",
    remote: async (type, to, payload) => {
      if (payload.attrs.xmlns === "http://jabber.org/protocol/disco#items") return itemsOf("xsmtp.example.org");
      if (payload.attrs.xmlns === "http://jabber.org/protocol/disco#info") return infoWithXsmtp();
      if (payload.name === "verify") return verification();
      return answer({}); // the delivered publish
    },
  });
}

const itemsOf = (jid: string) => xml("iq", { type: "result" }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" }, xml("item", { jid })));
const infoWithXsmtp = () => xml("iq", { type: "result" }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }, xml("feature", { var: "urn:xmpp:xsmtp:0" })));

// Folded at 78 counting "Authentication-Results:" (auth-results.ts), as Postfix writes it.
const AR_PASS = " mx.other.org; xsmtp=pass header.j=alice@example.org\r\n header.k=gateway-0a1b2c header.from=alice@example.org\r\n policy.from-authorized=yes policy.from-aligned=yes";
const unfolded = (action: unknown) => ((action as { value?: string }).value ?? "").replace(/\r\n /g, " ");

describe("gateway: verifying incoming mail", () => {
  it("pass: forged fields of our authserv-id deleted, ours inserted on top, delivered reported to the sender's service afterwards", async () => {
    const forged = [header("Authentication-Results", " other.example; xsmtp=pass"), header("Authentication-Results", " mx.other.org; xsmtp=pass (forged)"), ...(await signedHeaders())];
    const service = receiver(async () => passAnswer("alice@example.org", "gateway-0a1b2c", "m1@example.org"));
    const decision = await verifyAt(service, forged);
    assert.deepEqual(decision, {
      actions: [
        { type: "deleteHeader", index: 2, name: "Authentication-Results" },
        { type: "insertHeader", index: 0, name: "Authentication-Results", value: AR_PASS },
      ],
      verdict: { type: "continue" },
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(service.remoteAsked.map((r) => `${r.type} ${r.to} ${r.payload.name}`), [
      "get example.org query", "get xsmtp.example.org query", "get xsmtp.example.org verify", "set xsmtp.example.org pubsub",
    ]);
    assert.match(JSON.stringify(service.remoteAsked[3]!.payload.toString()), /progress\/alice@example\.org\/m1@example\.org/);
    assert.match(service.remoteAsked[3]!.payload.toString(), /stage="delivered"|stage='delivered'/);
  });

  it("fail with an aligned From: marked, quarantined or rejected per XSMTP_MILTER_ON_FAIL", async () => {
    const headers = await signedHeaders();
    const failing = () => receiver(async () => answer({ result: "fail", reason: "signature-mismatch", jid: "alice@example.org", key: "gateway-0a1b2c" }));
    const ar = " mx.other.org; xsmtp=fail reason=\"signature-mismatch\"\r\n header.j=alice@example.org header.k=gateway-0a1b2c\r\n header.from=alice@example.org policy.from-aligned=yes";
    assert.deepEqual(await verifyAt(failing(), headers), { actions: [{ type: "insertHeader", index: 0, name: "Authentication-Results", value: ar }], verdict: { type: "continue" } });
    assert.deepEqual(await verifyAt(failing(), headers, { onFail: "quarantine" }), {
      actions: [{ type: "insertHeader", index: 0, name: "Authentication-Results", value: ar }, { type: "quarantine", reason: "XSMTP signature failed (signature-mismatch)" }],
      verdict: { type: "continue" },
    });
    assert.deepEqual(await verifyAt(failing(), headers, { onFail: "reject" }), { verdict: { type: "reject", reply: "550 5.7.1 XSMTP signature failed (signature-mismatch)" } });
  });

  it("a changed body fails locally (no service asked); an unaligned From is only marked, whatever ON_FAIL says", async () => {
    const changed = receiver(async () => assert.fail("not asked"));
    const rejected = await verifyAt(changed, await signedHeaders(), { onFail: "reject" }, Buffer.from("Lunch at one?\r\n"));
    assert.deepEqual(rejected, { verdict: { type: "reject", reply: "550 5.7.1 XSMTP signature failed (body-hash-mismatch)" } });
    assert.equal(changed.remoteAsked.length, 0);
    const unaligned = await verifyAt(receiver(async () => assert.fail("not asked")), await signedHeaders(" alice@mail.example.net"), { onFail: "reject" }, Buffer.from("changed\r\n"));
    assert.equal(unaligned.verdict.type, "continue");
    assert.match(unfolded(unaligned.actions![0]), /xsmtp=fail reason="body-hash-mismatch".*policy\.from-aligned=no/s);
  });

  it("temperror: accepted and marked, or 451 with ON_TEMPERROR=tempfail; the deadline makes a silent service a temperror", async () => {
    const headers = await signedHeaders();
    const down = () => receiver(async () => Promise.reject({ condition: "remote-server-not-found" }));
    const marked = await verifyAt(down(), headers);
    assert.match(unfolded(marked.actions![0]), /^ mx\.other\.org; xsmtp=temperror reason="remote-server-not-found"/);
    assert.deepEqual(await verifyAt(down(), headers, { onTemperror: "tempfail" }), {
      verdict: { type: "tempfail", reply: "451 4.7.0 XSMTP verification not possible now (remote-server-not-found); try again later" },
    });
    const started = Date.now();
    const silent = await verifyAt(receiver(() => new Promise(() => undefined)), headers, { verifyDeadlineMs: 100 });
    assert.ok(Date.now() - started < 2000);
    assert.match(unfolded(silent.actions!.at(-1)), /xsmtp=temperror reason="timeout"/);
  });

  it("mail of the service's own users is verified in process: no XMPP round trip", async () => {
    const own = fakeService({ ask: async () => passAnswer("alice@example.org", "gateway-0a1b2c", "m1@example.org") });
    const decision = await verifyAt(own, await signedHeaders(), {});
    assert.match((decision.actions![0] as { value: string }).value, /xsmtp=pass/);
    assert.deepEqual(own.remoteAsked, []);
    // The verify IQ, then delivered, both to the service's own router.
    assert.deepEqual(own.asked.map((p) => p.name), ["verify", "pubsub"]);
  });

  it("unsigned mail from outside passes on, losing forged fields of our authserv-id only", async () => {
    const headers = [header("Authentication-Results", " MX.OTHER.ORG (comment); xsmtp=pass"), header("From", " x@y.example"), header("Authentication-Results", " spf.example; spf=pass")];
    assert.deepEqual(await verifyAt(receiver(async () => assert.fail("not asked")), headers), {
      actions: [{ type: "deleteHeader", index: 1, name: "Authentication-Results" }],
      verdict: { type: "continue" },
    });
  });
});
