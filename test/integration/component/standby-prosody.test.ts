/**
 * Prosody accepts one connection per component JID, so a second instance
 * cannot share the load; it can stand by (XSMTP_STANDBY=true): it waits
 * while the active one holds the JID and takes over when it goes, here
 * after a kill -9, on the same store and master key.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { xml } from "@xmpp/client";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";
import { TEST_ADMIN, xsmtpEnv } from "../../../devtools/xsmtp-env.js";
import { startComponent, startXsmtp, stopXsmtp, type XsmtpProcess } from "../../../devtools/xsmtp-process.js";

const SECRET = "component-secret-for-standby";
const PING = "urn:xmpp:ping";

describe("an active and a standby instance on Prosody", () => {
  let prosody: ProsodyInstance;
  const procs: XsmtpProcess[] = [];

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET });
    await prosody.register("bob", "other.org", "bobpass");
  });
  after(async () => {
    for (const p of procs) await stopXsmtp(p);
    await prosody?.stop();
  });

  it("the standby waits while the active instance is attached, and serves within seconds of its kill -9", async () => {
    const env = xsmtpEnv({ componentPort: prosody.componentPort, secret: SECRET, stateDir: mkdtempSync(join(tmpdir(), "xsmtp-standby-")), admins: TEST_ADMIN });
    const active = await startComponent(env);
    procs.push(active);
    const standby = startXsmtp(["run"], { ...env, XSMTP_STANDBY: "true" });
    procs.push(standby);
    await standby.waitFor(/standing by/);
    // Still standing by a while later: it neither exits nor takes the JID.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(standby.child.exitCode, null, standby.output());
    assert.doesNotMatch(standby.output(), /"msg":"online"/);

    const killedAt = Date.now();
    active.child.kill("SIGKILL");
    await standby.waitFor(/"msg":"online"/, 15_000);
    const takeover = Date.now() - killedAt;
    assert.ok(takeover < 10_000, `took over after ${takeover} ms`);

    const bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
    try {
      const reply = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("ping", { xmlns: PING })), 5000);
      assert.equal(reply.attrs.type, "result");
    } finally {
      await closeClient(bob);
    }
    assert.doesNotMatch(standby.output(), new RegExp(SECRET), "the secret must not be logged");
  });
});
