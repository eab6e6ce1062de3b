/**
 * The add-on in a real headless Thunderbird: the built test .xpi (product
 * code plus the test hook) and a driver add-on are sideloaded into a fresh
 * profile whose Local Folders Inbox holds three messages, signed by
 * `xsmtp sign` (good; signed then its Subject changed; unsigned). The add-on
 * logs in as bob@other.org over WebSocket to a private Prosody with the
 * XSMTP component, and the display action of each message must say pass,
 * FAIL and not signed. "Reply over XMPP" must hand xmpp:alice@example.org?message
 * to the desktop's (stand-in) handler. Then the account is removed and
 * mx.other.org made a trusted authserv-id: a message whose
 * Authentication-Results (written by the same renderer as `xsmtp verify
 * --add-header`) come from mx.other.org shows that pass; one from any other
 * authserv-id is ignored and shows "could not check".
 *
 * References: PROTOCOL.md §4, §5, §5.2; RFC 7395; RFC 5122; RFC 8601 §5,
 * §7.1; THUNDERBIRD.md.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { renderAuthResults } from "../../../mail/verify/auth-results.js";
import { useThunderbirdStack } from "./stack.js";
import { DRIVER_ID, driverXpi, XSMTP_ID } from "./driver-addon.js";
import { aliceSigner, message } from "./signed-mail.js";
import { writeProfile } from "./thunderbird-profile.js";
import { runThunderbird } from "./thunderbird-process.js";


describe("the XSMTP add-on in a headless Thunderbird", () => {
  const stack = useThunderbirdStack("xsmtp-thunderbird-");

  it("shows pass, FAIL and not signed, tags them, replies over xmpp:, and trusts only a trusted authserv-id", async () => {
    const { keyId, sign } = await aliceSigner(stack.svc);
    const good = await sign(message("good lunch", "good"));
    const tampered = Buffer.from((await sign(message("tampered lunch", "tampered"))).toString().replace("Subject: tampered lunch", "Subject: tampered dinner"));
    const unsigned = message("unsigned lunch", "unsigned");
    const report = { result: "pass", jid: "alice@example.org", keyId: keyId, from: "alice@example.org", fromAuthorized: true, fromAligned: true } as const;
    const withResults = async (subject: string, authservId: string) =>
      Buffer.concat([Buffer.from(`${renderAuthResults(authservId, report, "\n")}\n`), await sign(message(subject, subject.replace(/ /g, "-")))]);
    const reported = await withResults("reported lunch", "mx.other.org");
    const forged = await withResults("forged report lunch", "mx.evil.example");

    const xpi = stack.buildTestXpi();
    const account = { jid: "bob@other.org", password: "bobpass", websocketUrl: stack.websocketUrl };
    const config = {
      xsmtpId: XSMTP_ID,
      expected: 5,
      phases: [
        { name: "account", settings: account, subjects: ["good lunch", "tampered dinner", "unsigned lunch"], replySubject: "good lunch" },
        { name: "trusted", settings: { jid: "", password: "", trustedAuthservIds: ["mx.other.org"] }, subjects: ["reported lunch", "forged report lunch"] },
      ],
    };
    const messages = [good, tampered, unsigned, reported, forged];
    const layout = writeProfile(stack.dir, { [XSMTP_ID]: readFileSync(xpi), [DRIVER_ID]: driverXpi(config) }, messages);

    const started = Date.now();
    const run = await runThunderbird(layout.profile, layout.env, 45_000);
    const error = run.events.find((e) => e.error);
    assert.equal(error, undefined, `driver error: ${JSON.stringify(error)}\n${run.output.slice(-3000)}`);
    const bySubject = new Map(run.events.filter((e) => e.subject).map((e) => [e.subject, e]));
    const shown = (subject: string) => bySubject.get(subject) as { title: string; badge: string; label: string; tags: string[] };

    assert.equal(shown("good lunch").badge, "pass");
    assert.match(shown("good lunch").title, /^XSMTP pass: signed by alice@example\.org \(key /);
    assert.equal(shown("tampered dinner").badge, "FAIL");
    assert.match(shown("tampered dinner").title, /^XSMTP FAIL \(fail: signature-mismatch\): claims alice@example\.org/);
    assert.equal(shown("unsigned lunch").badge, "none");
    assert.match(shown("unsigned lunch").title, /not signed/);
    assert.deepEqual(["good lunch", "tampered dinner", "unsigned lunch"].map((s) => shown(s).tags), [["xsmtp_pass"], ["xsmtp_fail"], ["xsmtp_not_signed"]]);

    assert.equal(shown("reported lunch").badge, "pass");
    assert.equal(shown("reported lunch").title, `XSMTP pass: signed by alice@example.org (key ${keyId}) (as reported by mx.other.org)`);
    assert.deepEqual(shown("reported lunch").tags, ["xsmtp_pass"]);
    assert.equal(shown("forged report lunch").badge, "?");
    assert.match(shown("forged report lunch").title, /^XSMTP: could not check alice@example\.org \(no XMPP account configured/);
    assert.deepEqual(shown("forged report lunch").tags, []);

    assert.ok(run.events.some((e) => e.replied === "xmpp:alice@example.org?message"), JSON.stringify(run.events));
    // The desktop handler is started asynchronously by Thunderbird.
    for (let i = 0; i < 20 && !existsSync(layout.handledUris); i++) await sleep(100);
    assert.equal(readFileSync(layout.handledUris, "utf8"), "xmpp:alice@example.org?message\n");
    console.log(`# Thunderbird run: ${Date.now() - started} ms`);
  });
});
