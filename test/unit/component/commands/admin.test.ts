import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { command, fieldValues, formType, NS_CMD, node, resultIq } from "../../../support/command-stanzas.js";
import { startHarness, type Harness } from "../../../support/stanza-harness.js";

const ADMIN = "admin@example.org/desk";
const cmd = (name: string, sessionid: string, status: string, inner = "") =>
  `<command xmlns='${NS_CMD}' node='${node(name)}' sessionid='${sessionid}' status='${status}'>${inner}</command>`;
const JID_FIELD = `<field var='jid' type='jid-single' label='JID'><desc>The user's bare JID, e.g. alice@example.org</desc><required/></field>`;
const LABEL_FIELD = `<field var='label' type='text-single' label='Key label'><desc>A name for the key, e.g. the device or gateway that will sign with it</desc></field>`;
const SHOWN_ONCE = "Copy the secret into the signer's configuration now: it is not shown again.";
const issuedForm = (name: string, jid: string, keyId: string, secret: string) =>
  `<x xmlns='jabber:x:data' type='result'>${formType(name)}
    <field var='jid' type='jid-single' label='JID'><value>${jid}</value></field>
    <field var='key-id' type='text-single' label='Key id'><value>${keyId}</value></field>
    <field var='secret' type='text-single' label='Secret (shown once)'><value>${secret}</value></field>
  </x>`;

describe("ad-hoc commands as an admin (whole stanzas)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it("enroll: execute answers the form; submitting completes with jid, key-id and secret", async () => {
    const first = await command(h, ADMIN, "enroll");
    assertStanza(
      first.reply,
      resultIq(first.id, ADMIN, cmd("enroll", first.sessionid, "executing",
        `<actions execute='complete'><complete/></actions>
         <x xmlns='jabber:x:data' type='form'><title>Enroll a user</title>
           <instructions>Enrolls the JID and creates its first signing key.</instructions>
           ${formType("enroll")}${JID_FIELD}${LABEL_FIELD}</x>`)),
    );
    const done = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { jid: "Alice@Example.org", label: "laptop" } });
    const [keyId] = fieldValues(done.reply, "key-id");
    const [secret] = fieldValues(done.reply, "secret");
    assert.match(keyId!, /^laptop-[0-9a-f]{6}$/);
    assert.match(secret!, /^[A-Za-z0-9_-]{43}$/);
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("enroll", first.sessionid, "completed",
        `<note type='info'>Enrolled alice@example.org: key ${keyId}. ${SHOWN_ONCE}</note>
         ${issuedForm("enroll", "alice@example.org", keyId!, secret!)}`)),
    );
  });

  it("enroll of an enrolled JID completes with an error note and changes nothing", async () => {
    const before = (await h.service.features.identities.core.info("alice@example.org"));
    const first = await command(h, ADMIN, "enroll");
    const done = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { jid: "alice@example.org", label: "again" } });
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("enroll", first.sessionid, "completed",
        `<note type='error'>alice@example.org is already enrolled (use add-key for another key)</note>`)),
    );
    assert.deepEqual((await h.service.features.identities.core.info("alice@example.org")), before);
  });

  it("invalid values bring the same form back with the values sent and a note naming the field", async () => {
    const first = await command(h, ADMIN, "enroll");
    const bad = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { jid: "not a jid", label: "x" } });
    const again = (note: string, jid: string) =>
      cmd("enroll", first.sessionid, "executing",
        `<actions execute='complete'><complete/></actions><note type='error'>${note}</note>
         <x xmlns='jabber:x:data' type='form'><title>Enroll a user</title>
           <instructions>Enrolls the JID and creates its first signing key.</instructions>
           ${formType("enroll")}${JID_FIELD.replace("<required/>", `<required/><value>${jid}</value>`)}
           ${LABEL_FIELD.replace("</field>", "<value>x</value></field>")}</x>`);
    assertStanza(bad.reply, resultIq(bad.id, ADMIN, again(`JID: "not a jid" is not a bare JID (user@domain).`, "not a jid")));
    const outside = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { jid: "bob@other.org", label: "x" } });
    assertStanza(
      outside.reply,
      resultIq(outside.id, ADMIN, again("JID: bob@other.org is outside the user domains this service speaks for.", "bob@other.org")),
    );
    const missing = await command(h, ADMIN, "enroll", { sessionid: first.sessionid, fields: { label: "x" } });
    assert.equal(missing.reply.getChild("command", NS_CMD)?.getChildText("note"), "JID: a value is required.");
    assert.equal(typeof h.service.features.identities.core.checkJid("bob@other.org"), "string");
  });

  it("add-key completes with a new key-id and secret", async () => {
    const first = await command(h, ADMIN, "add-key");
    assert.equal(first.reply.getChild("command", NS_CMD)?.attrs.status, "executing");
    const done = await command(h, ADMIN, "add-key", { sessionid: first.sessionid, fields: { jid: "alice@example.org", label: "phone" } });
    const [keyId] = fieldValues(done.reply, "key-id");
    const [secret] = fieldValues(done.reply, "secret");
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("add-key", first.sessionid, "completed",
        `<note type='info'>New key for alice@example.org: key ${keyId}. ${SHOWN_ONCE}</note>
         ${issuedForm("add-key", "alice@example.org", keyId!, secret!)}`)),
    );
  });

  const keysOf = async (jid: string) => {
    const info = (await h.service.features.identities.core.info(jid));
    if (typeof info === "string") throw new Error(info);
    return info.keys;
  };
  const option = (k: { keyId: string; label: string; state: string }) =>
    `<option label='${k.keyId}, ${k.label}, ${k.state}, 2026-11-28T10:00:00Z'><value>${k.keyId}</value></option>`;
  const chosen = `<field var='jid' type='fixed' label='JID'><value>alice@example.org</value></field>`;

  it("rotate-key: jid, next, the user's active keys as choices, complete: a new key and the old one retired", async () => {
    const first = await command(h, ADMIN, "rotate-key");
    const title = `<title>Rotate a signing key</title><instructions>Creates a new key with the old key's label; the old key is retired now (mail it signed before still verifies).</instructions>`;
    assertStanza(
      first.reply,
      resultIq(first.id, ADMIN, cmd("rotate-key", first.sessionid, "executing",
        `<actions execute='next'><next/></actions>
         <x xmlns='jabber:x:data' type='form'>${title}${formType("rotate-key")}${JID_FIELD}</x>`)),
    );
    const keys = (await keysOf("alice@example.org"));
    const second = await command(h, ADMIN, "rotate-key", { sessionid: first.sessionid, action: "next", fields: { jid: "alice@example.org" } });
    assertStanza(
      second.reply,
      resultIq(second.id, ADMIN, cmd("rotate-key", first.sessionid, "executing",
        `<actions execute='complete'><prev/><complete/></actions>
         <x xmlns='jabber:x:data' type='form'>${title}${formType("rotate-key")}${chosen}
           <field var='key-id' type='list-single' label='Key'><required/>${keys.map(option).join("")}</field></x>`)),
    );
    const old = keys.find((k) => k.label === "laptop")!;
    const done = await command(h, ADMIN, "rotate-key", { sessionid: first.sessionid, action: "complete", fields: { "key-id": old.keyId } });
    const [keyId] = fieldValues(done.reply, "key-id");
    const [secret] = fieldValues(done.reply, "secret");
    assert.match(keyId!, /^laptop-/);
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("rotate-key", first.sessionid, "completed",
        `<note type='info'>Rotated a key of alice@example.org: key ${keyId}. ${SHOWN_ONCE}</note>
         ${issuedForm("rotate-key", "alice@example.org", keyId!, secret!)}`)),
    );
    assert.equal((await keysOf("alice@example.org")).find((k) => k.keyId === old.keyId)?.state, "retired");
  });

  it("revoke-key: the user's unrevoked keys and all as choices, complete revokes", async () => {
    const first = await command(h, ADMIN, "revoke-key");
    const second = await command(h, ADMIN, "revoke-key", { sessionid: first.sessionid, fields: { jid: "alice@example.org" } });
    const keys = (await keysOf("alice@example.org"));
    assertStanza(
      second.reply,
      resultIq(second.id, ADMIN, cmd("revoke-key", first.sessionid, "executing",
        `<actions execute='complete'><prev/><complete/></actions>
         <x xmlns='jabber:x:data' type='form'><title>Revoke a signing key</title>
           <instructions>Revokes a key, or all keys: nothing signed with it verifies any more.</instructions>
           ${formType("revoke-key")}${chosen}
           <field var='key-id' type='list-single' label='Key'><required/>${keys.map(option).join("")}
             <option label='all keys'><value>all</value></option></field></x>`)),
    );
    const phone = keys.find((k) => k.label === "phone")!;
    const done = await command(h, ADMIN, "revoke-key", { sessionid: first.sessionid, fields: { "key-id": phone.keyId } });
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("revoke-key", first.sessionid, "completed",
        `<note type='info'>Revoked ${phone.keyId} of alice@example.org.</note>`)),
    );
    assert.equal((await keysOf("alice@example.org")).find((k) => k.keyId === phone.keyId)?.state, "revoked");
  });

  it("user-info: enrolled-since, addresses and one line a key", async () => {
    const first = await command(h, ADMIN, "user-info");
    const done = await command(h, ADMIN, "user-info", { sessionid: first.sessionid, fields: { jid: "alice@example.org" } });
    const keys = (await keysOf("alice@example.org"));
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("user-info", first.sessionid, "completed",
        `<note type='info'>alice@example.org has ${keys.length} key(s).</note>
         <x xmlns='jabber:x:data' type='result'>${formType("user-info")}
           <field var='jid' type='jid-single' label='JID'><value>alice@example.org</value></field>
           <field var='enrolled-since' type='text-single' label='Enrolled since'><value>2026-11-28T10:00:00Z</value></field>
           <field var='addresses' type='text-multi' label='From addresses'><value>alice@example.org</value></field>
           <field var='keys' type='text-multi' label='Keys (id, label, state, created)'>
             ${keys.map((k) => `<value>${k.keyId}, ${k.label}, ${k.state}, 2026-11-28T10:00:00Z</value>`).join("")}</field>
         </x>`)),
    );
  });

  it("set-addresses: the current addresses as default; a bad one is named; complete replaces them", async () => {
    const first = await command(h, ADMIN, "set-addresses");
    const second = await command(h, ADMIN, "set-addresses", { sessionid: first.sessionid, action: "next", fields: { jid: "alice@example.org" } });
    const form = (values: string[], note = "") =>
      cmd("set-addresses", first.sessionid, "executing",
        `<actions execute='complete'><prev/><complete/></actions>${note}
         <x xmlns='jabber:x:data' type='form'><title>Set a user's From addresses</title>
           <instructions>Replaces the email addresses the user may send as.</instructions>
           ${formType("set-addresses")}${chosen}
           <field var='addresses' type='text-multi' label='From addresses'><desc>One email address a line; the JID's own address always stays.</desc>
             ${values.map((v) => `<value>${v}</value>`).join("")}</field></x>`);
    assertStanza(second.reply, resultIq(second.id, ADMIN, form(["alice@example.org"])));
    const bad = await command(h, ADMIN, "set-addresses", { sessionid: first.sessionid, fields: { addresses: ["alice@mail.example.org", "nope"] } });
    assertStanza(
      bad.reply,
      resultIq(bad.id, ADMIN, form(["alice@mail.example.org", "nope"], `<note type='error'>From addresses: "nope" is not a plain email address (user@domain).</note>`)),
    );
    const done = await command(h, ADMIN, "set-addresses", { sessionid: first.sessionid, action: "complete", fields: { addresses: "Alice@Mail.example.org\nsales@example.org" } });
    assertStanza(
      done.reply,
      resultIq(done.id, ADMIN, cmd("set-addresses", first.sessionid, "completed",
        `<note type='info'>alice@example.org may now send as alice@example.org, alice@mail.example.org, sales@example.org.</note>
         <x xmlns='jabber:x:data' type='result'>${formType("set-addresses")}
           <field var='addresses' type='text-multi' label='From addresses'>
             <value>alice@example.org</value><value>alice@mail.example.org</value><value>sales@example.org</value></field></x>`)),
    );
  });
});
