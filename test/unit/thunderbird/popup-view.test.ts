/**
 * The popup's rendering (popup-view.ts, what popup.html runs) into a DOM
 * stub: heading and colour class, one row per fact (identity, key, From
 * authorized and aligned, replay, seen counts, enrolled-since), Reply over
 * XMPP only for a signed identity, and sender-written text kept as text.
 *
 * References: PROTOCOL.md §5, §5.1, §5.2, §7.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { VerifyReport } from "../../../mail/verify/verify-report.js";
import { renderPopup } from "../../../thunderbird/src/popup-view.js";
import { verdictOf } from "../../../thunderbird/src/verdict.js";

function stubPage() {
  const rows: { textContent: string | null }[][] = [];
  const clicks: (() => void)[] = [];
  const page = {
    heading: { textContent: "XSMTP: checking…" as string | null, className: "" },
    table: {
      insertRow() {
        const cells: { textContent: string | null }[] = [];
        rows.push(cells);
        return { insertCell: () => (cells.push({ textContent: null }), cells.at(-1)!) };
      },
    },
    reply: { textContent: null as string | null, hidden: true, addEventListener: (_: "click", listener: () => void) => void clicks.push(listener) },
  };
  return { page, rows: () => rows.map((cells) => cells.map((c) => c.textContent)), clicks };
}

const PASS: VerifyReport = {
  result: "pass", jid: "alice@example.org", keyId: "k1", from: "alice@example.org", fromAuthorized: true, fromAligned: true,
  seen: { verifications: 3, domains: 2 }, service: "xsmtp.example.org", messageId: "m1@example.org",
};

describe("the popup's rendering", () => {
  it("shows every fact of a pass and offers Reply over XMPP", () => {
    const { page, rows, clicks } = stubPage();
    const replied: string[] = [];
    renderPopup(page, { verdict: verdictOf(PASS, "service"), enrolledSince: "2026-01-02T03:04:05Z" }, (jid) => replied.push(jid));
    assert.equal(page.heading.className, "pass");
    assert.equal(page.heading.textContent, "XSMTP pass: signed by alice@example.org (key k1)");
    assert.deepEqual(rows(), [
      ["Result", "pass"], ["Identity", "alice@example.org"], ["Key", "k1"], ["From", "alice@example.org"],
      ["From authorized", "yes"], ["From aligned", "yes"], ["Suspected replay", "no"],
      ["Seen", "3 verifications from 2 domains"], ["Enrolled since", "2026-01-02T03:04:05Z"],
      ["Service", "xsmtp.example.org"], ["Checked by", "your XMPP account"],
    ]);
    assert.equal(page.reply.hidden, false);
    assert.equal(page.reply.textContent, "Reply over XMPP to alice@example.org");
    clicks.forEach((click) => click());
    assert.deepEqual(replied, ["alice@example.org"]);
  });

  it("shouts a misaligned or replayed pass, and says who reported it", () => {
    const { page, rows } = stubPage();
    const report = { ...PASS, from: "<b>ceo@bank.example</b>", fromAuthorized: false, fromAligned: false, replaySuspected: true };
    renderPopup(page, { verdict: verdictOf(report, "mx.other.org") }, () => undefined);
    assert.equal(page.heading.className, "unaligned");
    assert.match(page.heading.textContent!, /^XSMTP WARNING: .*not authorized.*the service suspects a replay \(as reported by mx\.other\.org\)$/);
    const shown = new Map(rows().map(([k, v]) => [k, v]));
    assert.equal(shown.get("From"), "<b>ceo@bank.example</b>"); // text, never markup
    assert.equal(shown.get("From authorized"), "NO");
    assert.equal(shown.get("From aligned"), "NO");
    assert.equal(shown.get("Suspected replay"), "YES");
    assert.equal(shown.get("Checked by"), "mx.other.org");
    assert.equal(page.reply.hidden, false);
  });

  it("offers no reply for a fail, an unsigned message, or no message", () => {
    for (const verdict of [verdictOf({ result: "fail", reason: "signature-mismatch", jid: "alice@example.org" }, "service"), verdictOf({ result: "none" }, "local")]) {
      const { page, rows } = stubPage();
      renderPopup(page, { verdict }, () => undefined);
      assert.equal(page.reply.hidden, true);
      assert.ok(!rows().some(([k]) => k === "From authorized"));
    }
    const { page, rows } = stubPage();
    renderPopup(page, {}, () => undefined);
    assert.equal(page.heading.textContent, "XSMTP: no single message shown");
    assert.deepEqual(rows(), []);
  });
});
