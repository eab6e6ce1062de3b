/**
 * The add-on run by an administrator's policy, in a real headless
 * Thunderbird: a private install (thunderbird-install.ts) whose
 * distribution/policies.json gives the add-on bob@other.org's account,
 * checkNewMail and reportRead; nothing is set on the options page. A signed
 * message imported as new mail is verified and tagged before anyone opens
 * it (checkNewMail); opening it shows pass and publishes `read` to
 * alice's progress node at her service (reportRead); its popup shows the
 * identity, key, From authorized and aligned, replay, seen counts and
 * enrolled-since. Then the reader sets another account on the options page:
 * the policy's still wins, and the options page marks each managed key.
 *
 * References: PROTOCOL.md §5, §5.2, §6, §7; Thunderbird storage.managed;
 * THUNDERBIRD.md (policies.json).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { useThunderbirdStack } from "./stack.js";
import { DRIVER_ID, driverXpi, XSMTP_ID } from "./driver-addon.js";
import { aliceSigner, message } from "./signed-mail.js";
import { privateInstall } from "./thunderbird-install.js";
import { writeProfile } from "./thunderbird-profile.js";
import { runThunderbird } from "./thunderbird-process.js";

const MANAGED = ["jid", "password", "websocketUrl", "trustedAuthservIds", "checkNewMail", "reportRead"];

type Options = Record<string, { value: unknown; disabled: boolean; marker: string | null }>;
type Popup = { heading: string; state: string; rows: [string, string][]; reply: string | null };

describe("the XSMTP add-on with managed settings in a headless Thunderbird", () => {
  const stack = useThunderbirdStack("xsmtp-thunderbird-managed-");

  it("verifies with the policy's account, checks new mail, reports read, and shows the managed keys", async () => {
    const { keyId, sign } = await aliceSigner(stack.svc);
    const arriving = await sign(message("arriving lunch", "arrival"));
    const inInbox = await sign(message("policy lunch", "policy"));
    const websocketUrl = stack.websocketUrl;
    const policy = { jid: "bob@other.org", password: "bobpass", websocketUrl, trustedAuthservIds: ["mx.other.org"], checkNewMail: true, reportRead: true };
    const binary = privateInstall(stack.dir, { "3rdparty": { Extensions: { [XSMTP_ID]: policy } } });

    const xpi = stack.buildTestXpi();
    const config = {
      xsmtpId: XSMTP_ID,
      expected: 1,
      phases: [
        { name: "policy", arrive: [arriving.toString("latin1")], popupSubject: "arriving lunch" },
        {
          name: "override",
          settings: { jid: "mallory@other.org", password: "wrong", websocketUrl: "ws://127.0.0.1:9/", reportRead: false },
          subjects: ["policy lunch"],
          options: true,
        },
      ],
    };
    const layout = writeProfile(stack.dir, { [XSMTP_ID]: readFileSync(xpi), [DRIVER_ID]: driverXpi(config) }, [inInbox]);

    const started = Date.now();
    const run = await runThunderbird(layout.profile, layout.env, 45_000, binary);
    const error = run.events.find((e) => e.error);
    assert.equal(error, undefined, `driver error: ${JSON.stringify(error)}\n${run.output.slice(-3000)}`);
    const event = (pick: (e: Record<string, unknown>) => unknown) => run.events.find(pick) ?? assert.fail(JSON.stringify(run.events));

    // checkNewMail: tagged on arrival, before the driver displayed it.
    assert.deepEqual(event((e) => e.arrived === "arriving lunch").tags, ["xsmtp_pass"]);
    assert.equal(event((e) => e.subject === "arriving lunch").badge, "pass");

    // reportRead: opening it published `read` to alice's node, as bob's domain.
    const items = (await stack.svc.service.features.progress.core.retrieve(
      { jid: "alice@example.org", domain: "example.org" },
      { owner: "alice@example.org", messageId: "arrival@example.org" },
    ));
    assert.ok(Array.isArray(items), String(items));
    const stages = items.map((i) => `${i.event.stage} by ${i.event.by}`);
    assert.ok(stages.includes("read by other.org"), stages.join(", "));

    const popup = event((e) => e.popup).popup as Popup;
    assert.equal(popup.state, "pass");
    assert.match(popup.heading, /^XSMTP pass: signed by alice@example\.org/);
    const rows = new Map(popup.rows);
    assert.equal(rows.get("Identity"), "alice@example.org");
    assert.equal(rows.get("Key"), keyId);
    assert.equal(rows.get("From"), "alice@example.org");
    assert.equal(rows.get("From authorized"), "yes");
    assert.equal(rows.get("From aligned"), "yes");
    assert.equal(rows.get("Suspected replay"), "no");
    assert.match(rows.get("Seen") ?? "", /^1 verifications from 1 domains$/);
    assert.match(rows.get("Enrolled since") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.equal(rows.get("Checked by"), "your XMPP account");
    assert.equal(popup.reply, "Reply over XMPP to alice@example.org");

    // The reader's own account on the options page loses to the policy's.
    assert.deepEqual(event((e) => e.phase === "override" && e.managed).managed, MANAGED);
    assert.equal(event((e) => e.subject === "policy lunch").badge, "pass");
    const options = event((e) => e.options).options as Options;
    for (const key of MANAGED) {
      assert.equal(options[key]!.disabled, true, key);
      assert.equal(options[key]!.marker, " (set by your administrator)", key);
    }
    assert.equal(options.jid!.value, "bob@other.org");
    assert.deepEqual(options.trustedAuthservIds!.value, ["mx.other.org"]);
    assert.deepEqual(options.tagMessages, { value: true, disabled: false, marker: null });
    console.log(`# Thunderbird run: ${Date.now() - started} ms`);
  });
});
