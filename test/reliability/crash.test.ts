/**
 * Crash safety: `kill -9` of `xsmtp run` in the middle of a burst of ad-hoc
 * enrollments (as admin) and progress publishes. After a restart, everything
 * that had been answered with a result is there (the enrolled key verifies,
 * the published item is stored), the database passes integrity_check, and
 * no secret printed by enroll shows up in the logs or the database file.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import type xml from "@xmpp/xml";
import { decodeSecret } from "../../signature/index.js";
import { verifyIqMaker } from "../../devtools/load/verify-requests.js";
import { aliceMessage, sign } from "../../devtools/load/signed-message.js";
import { DOMAIN, integrityCheck, ReplyCounter, secretLeaks, startStack, type Stack } from "./stack.js";

const CMD = "http://jabber.org/protocol/commands";
const PUBSUB = "http://jabber.org/protocol/pubsub";
/** The publishing client's bare JID: its nodes are progress/<it>/<message-id>. */
const OWNER = "u000001@example.org";

interface Enrolled {
  jid: string;
  keyId: string;
  secret: string;
}

function fields(reply: xml.Element): Record<string, string> {
  const x = reply.getChild("command", CMD)?.getChild("x", "jabber:x:data");
  return Object.fromEntries((x?.getChildren("field") ?? []).map((f) => [f.attrs.var as string, f.getChildText("value") ?? ""]));
}

describe("kill -9 during enrollments and publishes", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ users: 10, env: { XSMTP_LOG_LEVEL: "debug" } });
  });
  after(async () => stack?.stop());

  it("every answered enrollment and publish survives, integrity_check is ok, and no secret leaks", async () => {
    const counter = new ReplyCounter();
    const admin = await stack.client("admin", "example.org");
    const owner = await stack.client("u000001", "example.org");
    const bob = await stack.client("bob", "other.org");
    for (const c of [admin, owner, bob]) counter.watch(c);

    const enrolled: Enrolled[] = [];
    const published: { messageId: string; seq: number }[] = [];
    let seq = 0;
    let running = true;
    const enrollLoop = async (w: number) => {
      while (running) {
        const k = seq++;
        const start = await counter
          .request(admin, `e${k}a`, `<iq type='set' id='e${k}a' to='${DOMAIN}'><command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#enroll' action='execute'/></iq>`, 3_000)
          .catch(() => undefined);
        const sessionid = start?.getChild("command", CMD)?.attrs.sessionid;
        if (!sessionid) continue;
        const jid = `crash-${w}-${k}@example.org`;
        const form = `<x xmlns='jabber:x:data' type='submit'><field var='jid'><value>${jid}</value></field><field var='label'><value>l${k}</value></field></x>`;
        const done = await counter
          .request(admin, `e${k}b`, `<iq type='set' id='e${k}b' to='${DOMAIN}'><command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#enroll' sessionid='${sessionid}'>${form}</command></iq>`, 3_000)
          .catch(() => undefined);
        const f = done && done.attrs.type === "result" ? fields(done) : {};
        if (f.secret) enrolled.push({ jid, keyId: f["key-id"]!, secret: f.secret });
      }
    };
    const publishLoop = async () => {
      while (running) {
        const k = seq++;
        const messageId = `crash-${k}@example.org`;
        const node = `progress/${OWNER}/${messageId}`;
        const reply = await counter
          .request(owner, `p${k}`, `<iq type='set' id='p${k}' to='${DOMAIN}'><pubsub xmlns='${PUBSUB}'><publish node='${node}'><item><progress xmlns='urn:xmpp:xsmtp:progress:0' stage='submitted'/></item></publish></pubsub></iq>`, 3_000)
          .catch(() => undefined);
        const id = reply?.attrs.type === "result" ? reply.getChild("pubsub", PUBSUB)?.getChild("publish")?.getChild("item")?.attrs.id : undefined;
        if (id) published.push({ messageId, seq: Number(id) });
      }
    };
    const loops = [enrollLoop(1), enrollLoop(2), enrollLoop(3), publishLoop(), publishLoop(), publishLoop(), publishLoop()];
    await sleep(2_000);
    const victim = stack.component();
    victim.child.kill("SIGKILL");
    assert.equal(await victim.exited, "SIGKILL");
    running = false;
    await Promise.all(loops);
    assert.ok(enrolled.length >= 5, `only ${enrolled.length} enrollments answered before the kill`);
    assert.ok(published.length >= 20, `only ${published.length} publishes answered before the kill`);

    assert.equal(integrityCheck(stack.database), "ok");
    await stack.startComponent();
    const db = new Database(stack.database, { readonly: true });
    try {
      const key = db.prepare("SELECT 1 FROM keys WHERE jid = ? AND key_id = ?");
      const item = db.prepare(`SELECT stage FROM progress_items WHERE owner = '${OWNER}' AND message_id = ? AND seq = ?`);
      assert.deepEqual(enrolled.filter((e) => !key.get(e.jid, e.keyId)).map((e) => e.jid), [], "answered enrollments lost");
      assert.deepEqual(published.filter((p) => !item.get(p.messageId, p.seq)).map((p) => p.messageId), [], "answered publishes lost");
    } finally {
      db.close();
    }

    // The keys are usable, not just present: the last ones enrolled before the kill verify.
    for (const e of enrolled.slice(-3)) {
      const message = aliceMessage({ From: `<${e.jid}>`, "Message-ID": `<after-${e.keyId}@example.org>` });
      const signed = sign(message, { jid: e.jid, keyId: e.keyId, secret: decodeSecret(e.secret)!, t: Math.floor(Date.now() / 1000) });
      const reply = await counter.request(bob, `v-${e.keyId}`, verifyIqMaker([{ jid: e.jid, ...signed }], DOMAIN)(`v-${e.keyId}`, 0));
      assert.equal(reply.getChild("verification", "urn:xmpp:xsmtp:0")?.attrs.result, "pass", reply.toString());
    }
    // An item answered before the kill is retrievable by its owner after it.
    const last = published[published.length - 1]!;
    const items = await counter.request(owner, "items", `<iq type='get' id='items' to='${DOMAIN}'><pubsub xmlns='${PUBSUB}'><items node='progress/${OWNER}/${last.messageId}'/></pubsub></iq>`);
    assert.equal(items.attrs.type, "result", items.toString());
    process.stderr.write(`crash: ${enrolled.length} enrollments and ${published.length} publishes answered before kill -9; all present after restart\n`);

    const proc = stack.component();
    proc.child.kill("SIGTERM");
    assert.equal(await proc.exited, 0);
    assert.equal(integrityCheck(stack.database), "ok");
    assert.deepEqual(secretLeaks(enrolled.map((e) => e.secret), stack.logs(), stack.database), []);
  });
});
