/**
 * The progress core without XML (PROTOCOL.md §6): implicit creation, item ids
 * in time order, the 100-item cap, the retention sweep, notifications after
 * commit, the rejected rate limit, and the recipient domains behind replay.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { ProgressItem } from "../../../../protocol/progress-event.js";
import { alice, bob, coreFixture, M, mallory, MID, nodeOf, RETENTION_MS, stage, submitted, T0, type CoreFixture } from "../../../support/progress-core.js";

let f: CoreFixture;
const items = async (id = M) => (await f.core.retrieve(alice, id)) as ProgressItem[];
const forged = async (reason = "signature-mismatch", jid = alice.jid, domain = "other.org") =>
  await f.events.onVerified({ result: "fail", reason: reason as "signature-mismatch", jid, messageId: MID }, domain);

describe("progress core: nodes and items", () => {
  beforeEach(async () => {
    f = await coreFixture();
  });

  it("an enrolled identity's first publish creates the node, owned and subscribed by it", async () => {
    const item = (await f.core.publish(alice, M, submitted)) as ProgressItem;
    assert.deepEqual(item, {
      id: "0000000001",
      event: { stage: "submitted", at: T0, by: "example.org", recipients: 1, recipientDomains: ["other.org"] },
    });
    assert.equal((await f.core.node(M))?.owner, alice.jid);
    assert.deepEqual(f.sent.map((s) => s.subscribers), [[alice.jid]]);
    assert.deepEqual((await f.core.ownNodes(alice.jid)), [MID]);
  });

  it("the first passing verification creates the signer's node; another identity's node for the same Message-ID is untouched", async () => {
    assert.equal((await f.passFrom("other.org"))?.event.stage, "verified");
    assert.equal((await f.core.node(M))?.owner, alice.jid);
    assert.deepEqual((await items()).map((i) => [i.event.stage, i.event.by]), [["verified", "other.org"]]);
    // Revision 0.1: mallory using m2@x first no longer keeps alice out; each has a node of its own.
    await f.core.publish(mallory, nodeOf(mallory, "m2@x"), submitted);
    assert.equal((await f.passFrom("other.org", "m2@x"))?.id, "0000000001");
    assert.deepEqual((await items(nodeOf(alice, "m2@x"))).map((i) => i.event.stage), ["verified"]);
    assert.deepEqual(((await f.core.retrieve(mallory, nodeOf(mallory, "m2@x"))) as ProgressItem[]).map((i) => i.event.stage), ["submitted"]);
  });

  it("ids count up in time order, zero-padded; max_items gives the newest in that order", async () => {
    for (let i = 0; i < 12; i++, f.clock.now += 1000) (await f.core.publish(alice, M, stage("relayed")));
    const all = (await items());
    assert.deepEqual(all.map((i) => i.id), all.map((_, n) => String(n + 1).padStart(10, "0")));
    assert.deepEqual(all.map((i) => i.event.at), all.map((_, n) => T0 + n * 1000));
    assert.deepEqual(((await f.core.retrieve(alice, M, { maxItems: 3 })) as ProgressItem[]).map((i) => i.id), ["0000000010", "0000000011", "0000000012"]);
  });

  it("keeps the newest 100 items; ids are never reused", async () => {
    for (let i = 0; i < 105; i++) (await f.core.publish(alice, M, stage("relayed")));
    const kept = (await items());
    assert.equal(kept.length, 100);
    assert.equal(kept[0]!.id, "0000000006");
    assert.equal(kept[99]!.id, "0000000105");
  });

  it("every item is broadcast to the subscribers after it is committed", async () => {
    await f.core.publish(alice, M, submitted);
    await f.passFrom("other.org");
    await f.core.publish(bob, M, stage("delivered"));
    assert.deepEqual(await Promise.all(f.sent.map(async (s) => [s.item.event.stage, await s.committed, s.subscribers])), [
      ["submitted", true, [alice.jid]],
      ["verified", true, [alice.jid]],
      ["delivered", true, [alice.jid]],
    ]);
  });

  it("the retention sweep removes nodes created longer ago than the retention period, with their items", async () => {
    await f.core.publish(alice, M, submitted);
    f.clock.now += RETENTION_MS / 2;
    await f.core.publish(alice, nodeOf(alice, "m2@x"), submitted);
    f.clock.now += RETENTION_MS / 2 + 1;
    assert.equal((await f.core.sweep()).removed, 1);
    assert.equal((await f.core.node(M)), undefined);
    assert.equal((await f.core.retrieve(alice, M)), "item-not-found");
    assert.equal((await items(nodeOf(alice, "m2@x"))).length, 1);
    // The swept node's items went with it, as the storage itself shows.
    assert.deepEqual(await f.store.progress.items(M, {}), []);
  });
});

describe("progress core: verification events", () => {
  beforeEach(async () => {
    f = await coreFixture();
  });

  it("a failure in the owner's name publishes rejected with who and why; none without an existing node of that identity", async () => {
    assert.equal((await forged()), undefined); // no node yet
    await f.core.publish(alice, M, submitted);
    assert.deepEqual((await forged())?.event, { stage: "rejected", at: T0, by: "other.org", reason: "signature-mismatch", recipientDomains: [] });
    assert.equal((await forged("key-unknown", mallory.jid)), undefined); // someone else's name: not alice's history
    assert.equal((await f.events.onVerified({ result: "temperror", reason: "service-busy" }, "other.org")), undefined);
  });

  it("at most 10 rejected items per node per hour; the next one tells how many were suppressed", async () => {
    await f.core.publish(alice, M, submitted);
    const published = [];
    for (let i = 0; i < 15; i++) published.push(await forged());
    assert.equal(published.filter(Boolean).length, 10);
    f.clock.now += 3_600_001;
    assert.equal((await forged())?.event.suppressed, 5);
    assert.equal((await forged())?.event.suppressed, undefined);
  });

  it("the owner's submitted recipient domains (union, lower case) are returned for replay detection, and only to the owner", async () => {
    assert.equal((await f.events.recipientDomains(alice.jid, MID)), undefined);
    await f.core.publish(alice, M, stage("submitted"));
    assert.equal((await f.events.recipientDomains(alice.jid, MID)), undefined);
    await f.core.publish(alice, M, submitted);
    await f.core.publish(alice, M, { stage: "submitted", recipientDomains: ["third.example", "other.org"] });
    assert.deepEqual((await f.events.recipientDomains(alice.jid, MID)), ["other.org", "third.example"]);
    assert.equal((await f.events.recipientDomains(mallory.jid, MID)), undefined);
    for (let i = 0; i < 100; i++) (await f.core.publish(alice, M, stage("relayed")));
    assert.deepEqual((await f.events.recipientDomains(alice.jid, MID)), ["other.org", "third.example"]); // survives the cap
  });
});
