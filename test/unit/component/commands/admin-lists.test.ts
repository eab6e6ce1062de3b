import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertStanza } from "../../../support/assert-stanza.js";
import { command, fieldValues, formType, NS_CMD, node, resultIq } from "../../../support/command-stanzas.js";
import { startHarness, type Harness } from "../../../support/stanza-harness.js";

const ADMIN = "admin@example.org/desk";
const cmd = (name: string, sessionid: string, status: string, inner = "") =>
  `<command xmlns='${NS_CMD}' node='${node(name)}' sessionid='${sessionid}' status='${status}'>${inner}</command>`;
const users = Array.from({ length: 120 }, (_, i) => `user${String(i).padStart(3, "0")}@example.org`);

describe("list-users, stats and unenroll as an admin (whole stanzas)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    for (const u of users) (await h.service.features.identities.core.enroll(u, "k"));
  });
  after(async () => h.stop());

  const page = (sessionid: string, status: string, from: number, to: number, actions: string) => {
    const shown = users.slice(from - 1, to);
    return cmd("list-users", sessionid, status,
      `${actions}<note type='info'>Users ${from}-${to} of 120.</note>
       <x xmlns='jabber:x:data' type='result'><title>Enrolled users: ${from}-${to} of 120</title>${formType("list-users")}
         <field var='users' type='jid-multi' label='Users'>${shown.map((u) => `<value>${u}</value>`).join("")}</field></x>`);
  };

  it("list-users pages 50 at a time with next, prev and complete", async () => {
    const p1 = await command(h, ADMIN, "list-users");
    const s = p1.sessionid;
    assertStanza(p1.reply, resultIq(p1.id, ADMIN, page(s, "executing", 1, 50, `<actions execute='next'><next/><complete/></actions>`)));
    const p2 = await command(h, ADMIN, "list-users", { sessionid: s, action: "next" });
    assertStanza(p2.reply, resultIq(p2.id, ADMIN, page(s, "executing", 51, 100, `<actions execute='next'><prev/><next/><complete/></actions>`)));
    const p3 = await command(h, ADMIN, "list-users", { sessionid: s });
    assertStanza(p3.reply, resultIq(p3.id, ADMIN, page(s, "executing", 101, 120, `<actions execute='complete'><prev/><complete/></actions>`)));
    const back = await command(h, ADMIN, "list-users", { sessionid: s, action: "prev" });
    assertStanza(back.reply, resultIq(back.id, ADMIN, page(s, "executing", 51, 100, `<actions execute='next'><prev/><next/><complete/></actions>`)));
    const done = await command(h, ADMIN, "list-users", { sessionid: s, action: "complete" });
    assertStanza(done.reply, resultIq(done.id, ADMIN, page(s, "completed", 51, 100, "")));
  });

  it("stats counts users, keys by state, verifications by result, progress nodes and uptime", async () => {
    await h.service.context.store.verification.addCounts([{ result: "pass", reason: "", n: 1 }]);
    await h.service.context.store.verification.addCounts([{ result: "fail", reason: "signature-mismatch", n: 2 }]);
    h.clock.advance(90_000);
    const r = await command(h, ADMIN, "stats");
    const num = (v: string, label: string, n: number) => `<field var='${v}' type='text-single' label='${label}'><value>${n}</value></field>`;
    assertStanza(
      r.reply,
      resultIq(r.id, ADMIN, cmd("stats", r.sessionid, "completed",
        `<note type='info'>Counters since the database was created; uptime since start.</note>
         <x xmlns='jabber:x:data' type='result'>${formType("stats")}
           ${num("users", "Enrolled users", 120)}${num("keys-active", "Active keys", 120)}
           ${num("keys-retired", "Retired keys", 0)}${num("keys-revoked", "Revoked keys", 0)}
           ${num("verifications-pass", "Verifications: pass", 1)}${num("verifications-fail", "Verifications: fail", 2)}
           ${num("verifications-permerror", "Verifications: permerror", 0)}${num("verifications-temperror", "Verifications: temperror", 0)}
           <field var='verification-reasons' type='text-multi' label='Verifications by reason'><value>fail signature-mismatch: 2</value></field>
           ${num("progress-nodes", "Progress nodes", 0)}${num("uptime", "Uptime (seconds)", 90)}
         </x>`)),
    );
  });

  it("unenroll removes the user; a second unenroll names the JID as not enrolled", async () => {
    const first = await command(h, ADMIN, "unenroll");
    assertStanza(
      first.reply,
      resultIq(first.id, ADMIN, cmd("unenroll", first.sessionid, "executing",
        `<actions execute='complete'><complete/></actions>
         <x xmlns='jabber:x:data' type='form'><title>Unenroll a user</title>
           <instructions>Deletes the user's keys and addresses: nothing it signed verifies any more.</instructions>
           ${formType("unenroll")}
           <field var='jid' type='jid-single' label='JID'><desc>The user's bare JID, e.g. alice@example.org</desc><required/></field></x>`)),
    );
    const done = await command(h, ADMIN, "unenroll", { sessionid: first.sessionid, fields: { jid: users[0]! } });
    assertStanza(done.reply, resultIq(done.id, ADMIN, cmd("unenroll", first.sessionid, "completed", `<note type='info'>Unenrolled ${users[0]}.</note>`)));
    assert.equal(typeof (await h.service.features.identities.core.info(users[0]!)), "string");
    const again = await command(h, ADMIN, "unenroll");
    const refused = await command(h, ADMIN, "unenroll", { sessionid: again.sessionid, fields: { jid: users[0]! } });
    assert.equal(refused.reply.getChild("command", NS_CMD)?.attrs.status, "executing");
    assert.equal(refused.reply.getChild("command", NS_CMD)?.getChildText("note"), `JID: ${users[0]} is not enrolled.`);
    assert.deepEqual(fieldValues(refused.reply, "jid"), [users[0]]);
  });
});
