/**
 * The progress core without XML (PROTOCOL.md §6): the rights table row by
 * row. Lifecycle (creation, ids, cap, retention, rate limit, replay) is in
 * progress-lifecycle.test.ts.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { ProgressItem } from "../../../../protocol/progress-event.js";
import { admin, alice, bob, coreFixture, M, mallory, nodeOf, stage, stranger, submitted, type CoreFixture } from "../../../support/progress-core.js";
import type { ProgressCore } from "../../../../component/progress/progress-core.js";

let f: CoreFixture;
let core: ProgressCore;
const setup = async () => {
  f = await coreFixture();
  core = f.core;
};
const bobVerifies = async () => (await f.passFrom(bob.domain));

describe("progress core: rights (PROTOCOL.md §6 table)", () => {
  beforeEach(async () => {
    await setup();
    assert.equal(typeof (await core.publish(alice, M, submitted)), "object");
    await bobVerifies();
  });

  it("retrieve: owner and admin yes; verifier with a pass and anyone else closed-node; unknown node item-not-found", async () => {
    assert.deepEqual(((await core.retrieve(alice, M)) as ProgressItem[]).map((i) => i.event.stage), ["submitted", "verified"]);
    assert.equal(((await core.retrieve(admin, M)) as ProgressItem[]).length, 2);
    assert.equal((await core.retrieve(bob, M)), "closed-node");
    assert.equal((await core.retrieve(mallory, M)), "closed-node");
    assert.equal((await core.retrieve(stranger, M)), "closed-node");
    assert.equal((await core.retrieve(alice, nodeOf(alice, "nope@x"))), "item-not-found");
  });

  it("retrieve one item by id, the newest max_items, and item-not-found for an id never issued", async () => {
    assert.deepEqual(((await core.retrieve(alice, M, { ids: ["0000000002"] })) as ProgressItem[]).map((i) => i.id), ["0000000002"]);
    assert.deepEqual(((await core.retrieve(alice, M, { maxItems: 1 })) as ProgressItem[]).map((i) => i.id), ["0000000002"]);
    assert.equal((await core.retrieve(alice, M, { ids: ["0000000009"] })), "item-not-found");
    assert.equal((await core.retrieve(alice, M, { ids: ["2"] })), "item-not-found");
  });

  it("subscribe/unsubscribe own JID: owner and admin yes; verifier and others closed-node; another JID invalid-jid", async () => {
    assert.deepEqual((await core.subscribe(admin, M, "admin@example.org/desk")), { jid: admin.jid });
    assert.equal((await core.subscribe(bob, M, bob.jid)), "closed-node");
    assert.equal((await core.subscribe(mallory, M, mallory.jid)), "closed-node");
    assert.equal((await core.subscribe(alice, M, "carol@example.org")), "invalid-jid");
    assert.equal((await core.subscribe(alice, nodeOf(alice, "nope@x"), alice.jid)), "item-not-found");
    assert.equal((await core.unsubscribe(admin, M, admin.jid)), true);
    assert.equal((await core.unsubscribe(admin, M, admin.jid)), "not-subscribed");
    assert.equal((await core.unsubscribe(mallory, M, mallory.jid)), "closed-node");
    assert.equal((await core.unsubscribe(alice, M, bob.jid)), "invalid-jid");
  });

  it("publish: owner and admin submitted, relayed, delivered, read; never verified or rejected", async () => {
    for (const actor of [alice, admin]) {
      for (const s of ["submitted", "relayed", "delivered", "read"]) assert.equal(typeof (await core.publish(actor, M, stage(s))), "object", s);
      for (const s of ["verified", "rejected"]) assert.equal((await core.publish(actor, M, stage(s))), "forbidden", s);
    }
  });

  it("publish: a verifier whose domain had a pass may publish delivered and read, nothing else", async () => {
    assert.equal(((await core.publish(bob, M, stage("delivered"))) as ProgressItem).event.by, "other.org");
    assert.equal(typeof (await core.publish({ jid: "mx@other.org", domain: "other.org" }, M, stage("read"))), "object");
    for (const s of ["submitted", "relayed", "verified", "rejected"]) assert.equal((await core.publish(bob, M, stage(s))), "forbidden", s);
  });

  it("publish: anyone else is forbidden, whatever the payload; an unknown node is item-not-found for the unenrolled", async () => {
    assert.equal((await core.publish(mallory, M, stage("delivered"))), "forbidden");
    assert.equal((await core.publish(mallory, M, "invalid-payload")), "forbidden");
    assert.equal((await core.publish(stranger, M, stage("read"))), "forbidden");
    // Revision 0.1: a node named for alice is forbidden to bob even when it does not exist (was item-not-found).
    assert.equal((await core.publish(bob, nodeOf(alice, "nope@x"), stage("delivered"))), "forbidden");
    assert.equal((await core.publish(bob, nodeOf(bob, "nope@x"), stage("delivered"))), "item-not-found");
  });

  it("a node named for alice that does not exist: closed-node to others (nothing to probe), item-not-found to alice and admins", async () => {
    const unknown = nodeOf(alice, "nope@x");
    for (const actor of [mallory, bob, stranger]) {
      assert.equal((await core.retrieve(actor, unknown)), "closed-node");
      assert.equal((await core.subscribe(actor, unknown, actor.jid)), "closed-node");
      assert.equal((await core.publish(actor, unknown, stage("read"))), "forbidden");
    }
    assert.equal((await core.retrieve(admin, unknown)), "item-not-found");
    assert.equal((await core.publish(admin, unknown, stage("relayed"))), "item-not-found", "an admin writes to existing nodes only");
    assert.equal((await core.node(unknown)), undefined);
  });

  it("publish: a bad stage, recipients or recipient domain is invalid-payload", async () => {
    assert.equal((await core.publish(alice, M, "invalid-payload")), "invalid-payload");
    assert.equal((await core.publish(alice, M, stage("sent"))), "invalid-payload");
    assert.equal((await core.publish(alice, M, { ...submitted, recipients: "-1" })), "invalid-payload");
    assert.equal((await core.publish(alice, M, { stage: "submitted", recipientDomains: ["not a domain"] })), "invalid-payload");
  });
});
