import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { command, commandIq, errorIq, fieldValues, formType, NS_CMD, node, resultIq } from "../../../support/command-stanzas.js";
import { startHarness, type Harness } from "../../../support/stanza-harness.js";

const ALICE = "alice@example.org/phone";
const cmd = (name: string, sessionid: string, status: string, inner = "") =>
  `<command xmlns='${NS_CMD}' node='${node(name)}' sessionid='${sessionid}' status='${status}'>${inner}</command>`;
const FIXED = `<field var='jid' type='fixed' label='JID'><value>alice@example.org</value></field>`;
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const forbidden = `<error type='cancel'><forbidden xmlns='${STANZAS}'/></error>`;
const SELF = ["enroll", "add-key", "rotate-key", "revoke-key", "user-info"];
const ALL = [...SELF, "set-addresses", "unenroll", "list-users", "stats"];
const TITLES: Record<string, string> = {
  enroll: "Enroll a user", "add-key": "Add a signing key", "rotate-key": "Rotate a signing key", "revoke-key": "Revoke a signing key",
  "user-info": "Show a user", "set-addresses": "Set a user's From addresses", unenroll: "Unenroll a user",
  "list-users": "List enrolled users", stats: "Service statistics",
};

describe("ad-hoc commands as a user, and disco of the commands", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  const items = async (from: string) => {
    const id = `d${from.length}${Math.random()}`;
    const reply = await h.request(
      `<iq type='get' id='${id}' from='${from}' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#items' node='${NS_CMD}'/></iq>`,
    );
    return { id, reply };
  };
  const listed = (names: string[]) =>
    names.map((n) => `<item jid='xsmtp.example.org' node='${node(n)}' name="${TITLES[n]}"/>`).join("");

  it("disco#items on the commands node lists what each requester may run", async () => {
    for (const [from, names] of [["admin@example.org/d", ALL], [ALICE, SELF], ["mallory@other.org/x", []]] as const) {
      const { id, reply } = await items(from);
      assertStanza(reply, resultIq(id, from, `<query xmlns='http://jabber.org/protocol/disco#items' node='${NS_CMD}'>${listed([...names])}</query>`));
    }
  });

  it("disco#info on a command node: automation/command-node and the features; item-not-found to those who may not run it", async () => {
    const info = (from: string, n: string) =>
      h.request(`<iq type='get' id='i-${n}' from='${from}' to='xsmtp.example.org'><query xmlns='http://jabber.org/protocol/disco#info' node='${n}'/></iq>`);
    assertStanza(
      await info(ALICE, node("enroll")),
      resultIq(`i-${node("enroll")}`, ALICE,
        `<query xmlns='http://jabber.org/protocol/disco#info' node='${node("enroll")}'>
           <identity category='automation' type='command-node' name='Enroll a user'/>
           <feature var='${NS_CMD}'/><feature var='jabber:x:data'/></query>`),
    );
    for (const n of [node("unenroll"), node("nope")]) {
      assertStanza(
        await info(ALICE, n),
        errorIq(`i-${n}`, ALICE, `<query xmlns='http://jabber.org/protocol/disco#info' node='${n}'/>`,
          `<error type='cancel'><item-not-found xmlns='${STANZAS}'/></error>`),
      );
    }
    const service = (await h.service.context.disco.info(undefined, ALICE));
    assert.ok(typeof service !== "string" && service.features.includes(NS_CMD));
  });

  it("a user enrolls itself: the jid is fixed to its own bare JID", async () => {
    const first = await command(h, ALICE, "enroll");
    assertStanza(
      first.reply,
      resultIq(first.id, ALICE, cmd("enroll", first.sessionid, "executing",
        `<actions execute='complete'><complete/></actions>
         <x xmlns='jabber:x:data' type='form'><title>Enroll a user</title>
           <instructions>Enrolls the JID and creates its first signing key.</instructions>${formType("enroll")}${FIXED}
           <field var='label' type='text-single' label='Key label'><desc>A name for the key, e.g. the device or gateway that will sign with it</desc></field></x>`)),
    );
    const done = await command(h, ALICE, "enroll", { sessionid: first.sessionid, fields: { label: "phone" } });
    assert.equal(done.reply.getChild("command", NS_CMD)?.attrs.status, "completed");
    assert.deepEqual(fieldValues(done.reply, "jid"), ["alice@example.org"]);
  });

  it("a user adds, rotates and revokes its own keys and reads its own info", async () => {
    const add = await command(h, ALICE, "add-key");
    const added = await command(h, ALICE, "add-key", { sessionid: add.sessionid, fields: { jid: "alice@example.org", label: "tablet" } });
    const [tablet] = fieldValues(added.reply, "key-id");
    // The jid stage is skipped: the user's own keys are offered at once, with no prev.
    const rotate = await command(h, ALICE, "rotate-key");
    assert.equal(rotate.reply.getChild("command", NS_CMD)?.getChild("actions")?.toString(), `<actions execute="complete"><complete/></actions>`);
    const rotated = await command(h, ALICE, "rotate-key", { sessionid: rotate.sessionid, fields: { "key-id": tablet! } });
    assert.match(fieldValues(rotated.reply, "key-id")[0]!, /^tablet-/);
    const revoke = await command(h, ALICE, "revoke-key");
    const revoked = await command(h, ALICE, "revoke-key", { sessionid: revoke.sessionid, fields: { "key-id": tablet! } });
    assert.equal(revoked.reply.getChild("command", NS_CMD)?.getChildText("note"), `Revoked ${tablet} of alice@example.org.`);
    const info = await command(h, ALICE, "user-info");
    assertStanza(
      info.reply,
      resultIq(info.id, ALICE, cmd("user-info", info.sessionid, "executing",
        `<actions execute='complete'><complete/></actions>
         <x xmlns='jabber:x:data' type='form'><title>Show a user</title>
           <instructions>Shows a user's enrollment, From addresses and keys (never secrets).</instructions>${formType("user-info")}${FIXED}</x>`)),
    );
    const shown = await command(h, ALICE, "user-info", { sessionid: info.sessionid });
    // Keys made at the same clock time are listed in key-id order, which is random; compare as a set.
    assert.deepEqual(fieldValues(shown.reply, "keys").map((l) => l.split(", ")[2]).sort(), ["active", "active", "revoked"]);
  });

  it("a user naming someone else's JID is refused with forbidden, and nothing changes", async () => {
    for (const [name, fields] of [["enroll", { jid: "bob@example.org", label: "x" }], ["user-info", { jid: "admin@example.org" }]] as const) {
      const first = await command(h, ALICE, name);
      const { id, reply } = await command(h, ALICE, name, { sessionid: first.sessionid, fields: { ...fields } });
      const request = commandIq(id, ALICE, name, { sessionid: first.sessionid, fields: { ...fields } });
      const echoed = request.slice(request.indexOf("<command"), request.indexOf("</iq>"));
      assertStanza(reply, errorIq(id, ALICE, echoed, forbidden));
    }
    assert.equal(typeof (await h.service.features.identities.core.info("bob@example.org")), "string");
  });

  it("admin-only commands, and any command for a JID outside the user domains, answer forbidden", async () => {
    for (const [from, name] of [[ALICE, "set-addresses"], [ALICE, "unenroll"], [ALICE, "list-users"], [ALICE, "stats"], ["mallory@other.org/x", "enroll"], ["mallory@other.org/x", "user-info"]]) {
      const { id, reply } = await command(h, from!, name!);
      assertStanza(reply, errorIq(id, from!, `<command xmlns='${NS_CMD}' node='${node(name!)}'/>`, forbidden));
    }
  });

  it("with self-service off a user may run nothing", async () => {
    const off = await startHarness({ XSMTP_SELF_SERVICE: "false" });
    try {
      const { id, reply } = await command(off, ALICE, "user-info");
      assertStanza(reply, errorIq(id, ALICE, `<command xmlns='${NS_CMD}' node='${node("user-info")}'/>`, forbidden));
    } finally {
      await off.stop();
    }
  });
});
