import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeSecret } from "../../../../signature/index.js";
import { assertStanza } from "../../../support/assert-stanza.js";
import { command, commandIq, errorIq, fieldValues, NS_CMD, node, resultIq, type CommandCall } from "../../../support/command-stanzas.js";
import { aliceMessage, sign, verifyIq } from "../../../../devtools/load/signed-message.js";
import { startHarness, type Harness } from "../../../support/stanza-harness.js";

const ADMIN = "admin@example.org/desk";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

describe("XEP-0050 errors, cancel, expiry and the secret (whole stanzas)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ XSMTP_COMMAND_TIMEOUT: "120" });
  });
  after(async () => h.stop());

  /** Sends a request and asserts the whole error reply, the request echoed. */
  const refused = async (name: string, call: CommandCall, error: string) => {
    const { id, reply } = await command(h, ADMIN, name, call);
    const request = commandIq(id, ADMIN, name, call);
    assertStanza(reply, errorIq(id, ADMIN, request.slice(request.indexOf("<command"), request.indexOf("</iq>")), error));
  };
  const badRequest = (app: string) =>
    `<error type='modify'><bad-request xmlns='${STANZAS}'/><${app} xmlns='${NS_CMD}'/></error>`;
  const expired = `<error type='cancel'><not-allowed xmlns='${STANZAS}'/><session-expired xmlns='${NS_CMD}'/></error>`;

  it("an unknown node answers item-not-found", async () => {
    await refused("no-such-command", {}, `<error type='cancel'><item-not-found xmlns='${STANZAS}'/></error>`);
  });

  it("an unknown or missing session answers bad-request with bad-sessionid", async () => {
    await refused("enroll", { sessionid: "not-a-session", action: "complete" }, badRequest("bad-sessionid"));
    await refused("enroll", { action: "complete" }, badRequest("bad-sessionid"));
    const other = await command(h, "alice@example.org/x", "user-info");
    await refused("user-info", { sessionid: other.sessionid }, badRequest("bad-sessionid"));
  });

  it("an action XEP-0050 does not define answers malformed-action; one the stage does not offer, bad-action", async () => {
    await refused("enroll", { action: "jump" }, badRequest("malformed-action"));
    const first = await command(h, ADMIN, "rotate-key");
    await refused("rotate-key", { sessionid: first.sessionid, action: "prev" }, badRequest("bad-action"));
    await refused("rotate-key", { sessionid: first.sessionid, action: "complete" }, badRequest("bad-action"));
  });

  it("a session idle past XSMTP_COMMAND_TIMEOUT answers not-allowed with session-expired; so does a completed one", async () => {
    const first = await command(h, ADMIN, "enroll");
    h.clock.advance(120_000);
    await refused("enroll", { sessionid: first.sessionid, fields: { jid: "late@example.org" } }, expired);
    assert.equal(typeof (await h.service.features.identities.core.info("late@example.org")), "string");
    const stats = await command(h, ADMIN, "stats");
    await refused("stats", { sessionid: stats.sessionid }, expired);
  });

  it("cancel at any stage answers canceled with the sessionid, and the session is gone", async () => {
    await h.service.features.identities.core.enroll("carol@example.org", "k");
    for (let i = 0; i < 60; i++) (await h.service.features.identities.core.enroll(`u${i}@example.org`));
    const stages: [string, CommandCall[]][] = [
      ["enroll", []],
      ["rotate-key", []],
      ["rotate-key", [{ action: "next", fields: { jid: "carol@example.org" } }]],
      ["list-users", []],
      ["list-users", [{ action: "next" }]],
    ];
    for (const [name, steps] of stages) {
      const first = await command(h, ADMIN, name);
      for (const step of steps) await command(h, ADMIN, name, { ...step, sessionid: first.sessionid });
      const { id, reply } = await command(h, ADMIN, name, { sessionid: first.sessionid, action: "cancel" });
      assertStanza(reply, resultIq(id, ADMIN, `<command xmlns='${NS_CMD}' node='${node(name)}' sessionid='${first.sessionid}' status='canceled'/>`));
      await refused(name, { sessionid: first.sessionid, action: "next" }, expired);
    }
  });

  it("the secret is in exactly one sent stanza, and the key it belongs to verifies a signed message as pass", async () => {
    const first = await command(h, ADMIN, "enroll");
    const done = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { jid: "dave@example.org", label: "laptop" } });
    const [keyId] = fieldValues(done.reply, "key-id");
    const [secret] = fieldValues(done.reply, "secret");
    const info = await command(h, ADMIN, "user-info");
    await command(h, ADMIN, "user-info", { sessionid: info.sessionid, fields: { jid: "dave@example.org" } });
    const msg = sign(aliceMessage({ From: "dave@example.org" }), { jid: "dave@example.org", keyId: keyId!, secret: decodeSecret(secret!)!, t: Math.floor(h.clock.now() / 1000) });
    const verified = await h.request(verifyIq("vd1", msg.signature, msg.sent));
    assert.equal(verified?.getChild("verification")?.attrs.result, "pass");
    assert.equal(h.sent.filter((s) => s.toString().includes(secret!)).length, 1);
  });
});
