/**
 * The add-on's background with a stubbed messenger and a scripted XMPP
 * session: each displayed message gets its verdict on the display action,
 * a tag, a cached result; `read` is published only when opted in; the
 * popup gets enrolled-since; reply opens an xmpp: URI.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import xml from "@xmpp/xml";
import { signMessage } from "../../../signature/index.js";
import { scriptedSession } from "../../support/scripted-session.js";
import { BackgroundController } from "../../../thunderbird/src/background-controller.js";
import { stubMessenger } from "./stub-messenger.js";

const SECRET = Buffer.alloc(32, 7);
const MESSAGE = "From: Alice <alice@example.org>\r\nTo: bob@other.org\r\nSubject: lunch\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\nHi Bob\r\n";

function signed(text = MESSAGE): Buffer {
  const message = Buffer.from(text);
  const { value } = signMessage({ message, jid: "alice@example.org", keyId: "laptop", secret: SECRET, headerNames: ["from", "subject", "date", "message-id", "x-xmpp-identity"], signedAt: 1_800_000_000 });
  return Buffer.concat([Buffer.from(`X-XMPP-Hash: ${value}\r\nX-XMPP-Identity: alice@example.org\r\n`), message]);
}

const PASS = xml("verification", { xmlns: "urn:xmpp:xsmtp:0", result: "pass", jid: "alice@example.org", key: "laptop" },
  xml("from", { authorized: "true" }, "alice@example.org"), xml("message-id", {}, "m1@example.org"), xml("seen", { verifications: "2", domains: "1" }));

function service(asked: string[]) {
  return scriptedSession((to, payload) => {
    const ns = payload.attrs.xmlns;
    if (ns === "http://jabber.org/protocol/disco#items") return xml("query", { xmlns: ns }, xml("item", { jid: "xsmtp.example.org" }));
    if (ns === "http://jabber.org/protocol/disco#info" && payload.attrs.node) {
      return xml("query", { xmlns: ns }, xml("x", { xmlns: "jabber:x:data", type: "result" },
        xml("field", { var: "FORM_TYPE" }, xml("value", {}, "urn:xmpp:xsmtp:0#identity")),
        xml("field", { var: "enrolled-since" }, xml("value", {}, "2026-01-02T03:04:05Z"))));
    }
    if (ns === "http://jabber.org/protocol/disco#info") return xml("query", { xmlns: ns }, xml("feature", { var: "urn:xmpp:xsmtp:0" }));
    if (payload.name === "verify") return PASS;
    if (payload.name === "pubsub") return xml("pubsub", { xmlns: ns });
    return null;
  }, asked);
}

async function controllerWith(raw: Map<number, Buffer>, local: Record<string, unknown>, managed: Record<string, unknown> = {}) {
  const api = stubMessenger(raw, managed);
  Object.assign(api.local, local);
  const asked: string[] = [];
  const logins: string[] = [];
  const controller = new BackgroundController(api, {
    connect: async (account) => (logins.push(`${account.jid} ${account.websocketUrl}`), service(asked)),
    findWebSocketUrl: async (domain) => `wss://${domain}/ws`,
    warn: () => undefined,
  });
  await controller.start();
  return { api, asked, logins, controller };
}

const ACCOUNT = { jid: "bob@other.org", password: "pw" };

describe("Thunderbird add-on background", () => {
  it("shows pass, tags it, caches it, and finds the WebSocket URL through host-meta", async () => {
    const { api, asked, logins, controller } = await controllerWith(new Map([[1, signed()]]), ACCOUNT);
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    assert.equal(api.shown.get(1)!.badge, "pass");
    assert.match(api.shown.get(1)!.title!, /^XSMTP pass: signed by alice@example\.org \(key laptop\)/);
    assert.deepEqual(api.headers.get(1)!.tags, ["xsmtp_pass"]);
    assert.deepEqual(api.tagList.map((t) => t.tag), ["XSMTP pass", "XSMTP fail", "XSMTP not signed"]);
    assert.deepEqual(logins, ["bob@other.org wss://other.org/ws"]);
    const verifies = asked.filter((a) => a.endsWith("urn:xmpp:xsmtp:0")).length;
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    assert.equal(asked.filter((a) => a.endsWith("urn:xmpp:xsmtp:0")).length, verifies, "cached: not asked again");
    assert.ok(!asked.some((a) => a.includes("pubsub")), "read is not published unless opted in");
  });

  it("a changed body is FAIL without asking; an unsigned message is 'none'", async () => {
    const tampered = Buffer.from(signed().toString().replace("Hi Bob", "Hi Eve"));
    const { api, asked, controller } = await controllerWith(new Map([[1, tampered], [2, Buffer.from(MESSAGE)]]), ACCOUNT);
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    await controller.onDisplayed(2, [{ id: 2 }]);
    assert.equal(api.shown.get(1)!.badge, "FAIL");
    assert.match(api.shown.get(1)!.title!, /body-hash-mismatch/);
    assert.equal(api.shown.get(2)!.badge, "none");
    assert.deepEqual([api.headers.get(1)!.tags, api.headers.get(2)!.tags], [["xsmtp_fail"], ["xsmtp_not_signed"]]);
    assert.deepEqual(asked, []);
  });

  it("reportRead publishes read once; the popup gets enrolled-since and seen; reply opens xmpp:", async () => {
    const { api, asked, controller } = await controllerWith(new Map([[1, signed()]]), { ...ACCOUNT, reportRead: true });
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    assert.deepEqual(asked.filter((a) => a.includes("pubsub")), ["xsmtp.example.org http://jabber.org/protocol/pubsub"]);
    const state = await controller.popupState(1);
    assert.equal(state.enrolledSince, "2026-01-02T03:04:05Z");
    assert.deepEqual(state.verdict!.report.seen, { verifications: 2, domains: 1 });
    await api.runtime.sendMessage({});
    const { replyOverXmpp } = await import("../../../thunderbird/src/xmpp-reply.js");
    await replyOverXmpp(api.tabs, state.verdict!.report.jid!);
    assert.deepEqual(api.opened, ["xmpp:alice@example.org?message"]);
  });

  it("without an account: could not check, unless a trusted authserv-id reported a result", async () => {
    const withAr = Buffer.concat([Buffer.from("Authentication-Results: mx.other.org; xsmtp=pass header.j=alice@example.org header.k=laptop header.from=alice@example.org policy.from-authorized=yes policy.from-aligned=yes\r\n"), signed()]);
    const { api, asked, controller } = await controllerWith(new Map([[1, signed()], [2, withAr]]), {}, { trustedAuthservIds: ["MX.other.org"], tagMessages: false });
    await controller.onDisplayed(1, { messages: [{ id: 1 }] });
    await controller.onDisplayed(2, { messages: [{ id: 2 }] });
    assert.equal(api.shown.get(1)!.badge, "?");
    assert.match(api.shown.get(1)!.title!, /no XMPP account configured/);
    assert.equal(api.shown.get(2)!.badge, "pass");
    assert.match(api.shown.get(2)!.title!, /as reported by mx\.other\.org/);
    assert.deepEqual(controller.settings.managed, ["trustedAuthservIds", "tagMessages"]);
    assert.deepEqual(api.headers.get(2)!.tags, [], "tagMessages managed off");
    assert.deepEqual(asked, []);
  });

  it("checkNewMail verifies and tags arriving mail only when switched on", async () => {
    const off = await controllerWith(new Map([[1, signed()]]), ACCOUNT);
    await off.controller.onNewMail({ messages: [{ id: 1 }] });
    assert.deepEqual(off.asked, []);
    const on = await controllerWith(new Map([[1, signed()], [2, Buffer.from(MESSAGE)]]), { ...ACCOUNT, checkNewMail: true });
    await on.controller.onNewMail({ messages: [{ id: 1 }, { id: 2 }] });
    assert.deepEqual([on.api.headers.get(1)!.tags, on.api.headers.get(2)!.tags], [["xsmtp_pass"], ["xsmtp_not_signed"]]);
    assert.equal(on.api.shown.size, 0, "nothing is displayed, so no button changes");
  });
});
