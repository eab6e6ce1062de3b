/**
 * The add-on's small pure parts: settings with managed overrides, trusted
 * Authentication-Results, XEP-0156 host-meta, RFC 5122 URIs, display words.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { displayText } from "../../../thunderbird/src/display-text.js";
import { fromJson, fromXml } from "../../../thunderbird/src/host-meta.js";
import { mergeSettings } from "../../../thunderbird/src/settings.js";
import { xsmtpResult } from "../../../thunderbird/src/trusted-auth-results.js";
import { verdictOf } from "../../../thunderbird/src/verdict.js";
import { xmppMessageUri } from "../../../thunderbird/src/xmpp-reply.js";

describe("add-on logic", () => {
  it("managed settings win key by key; wrong types are ignored", () => {
    const { settings, managed } = mergeSettings(
      { jid: " bob@other.org ", password: " pw ", reportRead: true, checkNewMail: "yes" },
      { reportRead: false, trustedAuthservIds: ["MX.Other.org"], websocketUrl: 5 },
    );
    assert.deepEqual(settings, { jid: "bob@other.org", password: " pw ", websocketUrl: "", trustedAuthservIds: ["mx.other.org"], tagMessages: true, checkNewMail: false, reportRead: false });
    assert.deepEqual(managed, ["trustedAuthservIds", "reportRead"]);
  });

  it("reads the xsmtp result of an Authentication-Results value, comments and quoting included", () => {
    const report = xsmtpResult(' mx.other.org (our mx); dkim=pass header.d=example.org; xsmtp=fail (bad) reason="signature-mismatch" header.j=alice@example.org header.k=laptop');
    assert.deepEqual(report, { result: "fail", reason: "signature-mismatch", jid: "alice@example.org", keyId: "laptop" });
    assert.equal(xsmtpResult(" mx.other.org; dkim=pass"), null);
    assert.equal(xsmtpResult(' mx.other.org; dkim=pass reason="; xsmtp=pass"'), null);
  });

  it("finds only a wss:// WebSocket link in host-meta (JSON and XML)", () => {
    const rel = "urn:xmpp:alt-connections:websocket";
    assert.equal(fromJson(JSON.stringify({ links: [{ rel, href: "ws://x/ws" }, { rel, href: "wss://x/ws" }] })), "wss://x/ws");
    assert.equal(fromXml(`<XRD><Link href='wss://x/xmpp' rel="${rel}"/></XRD>`), "wss://x/xmpp");
    assert.equal(fromXml(`<XRD><Link rel="${rel}" href="ws://x/xmpp"/></XRD>`), null);
  });

  it("builds xmpp:…?message URIs (RFC 5122)", () => {
    assert.equal(xmppMessageUri("alice@example.org"), "xmpp:alice@example.org?message");
    assert.equal(xmppMessageUri("a?b@example.org"), "xmpp:a%3Fb@example.org?message");
  });

  it("never lets a misaligned pass look like a pass", () => {
    const unaligned = displayText(verdictOf({ result: "pass", jid: "alice@example.org", keyId: "k", from: "ceo@bank.example", fromAuthorized: true, fromAligned: false }, "service"));
    assert.equal(unaligned.badge, "WARN");
    assert.match(unaligned.title, /not aligned/);
    assert.equal(displayText(verdictOf({ result: "permerror", reason: "identity-unknown" }, "service")).badge, "FAIL");
    assert.equal(displayText(verdictOf({ result: "temperror", reason: "timeout" }, "service")).badge, "?");
  });
});
