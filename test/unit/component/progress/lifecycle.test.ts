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
const items = (id = M) => f.core.retrieve(alice, id) as ProgressItem[];
const forged = (reason = "signature-mismatch", jid = alice.jid, domain = "other.org") =>
  f.events.onVerified({ result: "fail", reason: reason as "signature-mismatch", jid, messageId: MID }, domain);

describe("progress core: nodes and items", () => {
  beforeEach(() => {
    f = coreFixture();
  });

  it("an enrolled identity's first publish creates the node, owned and subscribed by it", () => {
    const item = f.core.publish(alice, M, submitted) as ProgressItem;
    assert.deepEqual(item, {
      id: "0000000001",
      event: { stage: "submitted", at: T0, by: "example.org", recipients: 1, recipientDomains: ["other.org"] },
    });
    assert.equal(f.core.node(M)?.owner, alice.jid);
    assert.deepEqual(f.sent.map((s) => s.subscribers), [[alice.jid]]);
    assert.deepEqual(f.core.ownNodes(alice.jid), [MID]);
  });

  it("the first passing verification creates the signer's node; another identity's node for the same Message-ID is untouched", () => {
    assert.equal(f.passFrom("other.org")?.event.stage, "verified");
    assert.equal(f.core.node(M)?.owner, alice.jid);
    assert.deepEqual(items().map((i) => [i.event.stage, i.event.by]), [["verified", "other.org"]]);
    // Revision 0.1: mallory using m2@x first no longer keeps alice out; each has a node of its own.
    f.core.publish(mallory, nodeOf(mallory, "m2@x"), submitted);
    assert.equal(f.passFrom("other.org", "m2@x")?.id, "0000000001");
    assert.deepEqual(items(nodeOf(alice, "m2@x")).map((i) => i.event.stage), ["verified"]);
    assert.deepEqual((f.core.retrieve(mallory, nodeOf(mallory, "m2@x")) as ProgressItem[]).map((i) => i.event.stage), ["submitted"]);
  });

  it("ids count up in time order, zero-padded; max_items gives the newest in that order", () => {
    for (let i = 0; i < 12; i++, f.clock.now += 1000) f.core.publish(alice, M, stage("relayed"));
    const all = items();
    assert.deepEqual(all.map((i) => i.id), all.map((_, n) => String(n + 1).padStart(10, "0")));
    assert.deepEqual(all.map((i) => i.event.at), all.map((_, n) => T0 + n * 1000));
    assert.deepEqual((f.core.retrieve(alice, M, { maxItems: 3 }) as ProgressItem[]).map((i) => i.id), ["0000000010", "0000000011", "0000000012"]);
  });

  it("keeps the newest 100 items; ids are never reused", () => {
    for (let i = 0; i < 105; i++) f.core.publish(alice, M, stage("relayed"));
    const kept = items();
    assert.equal(kept.length, 100);
    assert.equal(kept[0]!.id, "0000000006");
    assert.equal(kept[99]!.id, "0000000105");
  });

  it("every item is broadcast to the subscribers after it is committed", () => {
    f.core.publish(alice, M, submitted);
    f.passFrom("other.org");
    f.core.publish(bob, M, stage("delivered"));
    assert.deepEqual(f.sent.map((s) => [s.item.event.stage, s.committed, s.subscribers]), [
      ["submitted", true, [alice.jid]],
      ["verified", true, [alice.jid]],
      ["delivered", true, [alice.jid]],
    ]);
  });

  it("the retention sweep removes nodes created longer ago than the retention period, with their items", () => {
    f.core.publish(alice, M, submitted);
    f.clock.now += RETENTION_MS / 2;
    f.core.publish(alice, nodeOf(alice, "m2@x"), submitted);
    f.clock.now += RETENTION_MS / 2 + 1;
    assert.equal(f.core.sweep().removed, 1);
    assert.equal(f.core.node(M), undefined);
    assert.equal(f.core.retrieve(alice, M), "item-not-found");
    assert.equal(items(nodeOf(alice, "m2@x")).length, 1);
    assert.equal((f.db.prepare("SELECT count(*) AS n FROM progress_items").get() as { n: number }).n, 1);
  });
});

describe("progress core: verification events", () => {
  beforeEach(() => {
    f = coreFixture();
  });

  it("a failure in the owner's name publishes rejected with who and why; none without an existing node of that identity", () => {
    assert.equal(forged(), undefined); // no node yet
    f.core.publish(alice, M, submitted);
    assert.deepEqual(forged()?.event, { stage: "rejected", at: T0, by: "other.org", reason: "signature-mismatch", recipientDomains: [] });
    assert.equal(forged("key-unknown", mallory.jid), undefined); // someone else's name: not alice's history
    assert.equal(f.events.onVerified({ result: "temperror", reason: "service-busy" }, "other.org"), undefined);
  });

  it("at most 10 rejected items per node per hour; the next one tells how many were suppressed", () => {
    f.core.publish(alice, M, submitted);
    const published = Array.from({ length: 15 }, () => forged()).filter(Boolean);
    assert.equal(published.length, 10);
    f.clock.now += 3_600_001;
    assert.equal(forged()?.event.suppressed, 5);
    assert.equal(forged()?.event.suppressed, undefined);
  });

  it("the owner's submitted recipient domains (union, lower case) are returned for replay detection, and only to the owner", () => {
    assert.equal(f.events.recipientDomains(alice.jid, MID), undefined);
    f.core.publish(alice, M, stage("submitted"));
    assert.equal(f.events.recipientDomains(alice.jid, MID), undefined);
    f.core.publish(alice, M, submitted);
    f.core.publish(alice, M, { stage: "submitted", recipientDomains: ["third.example", "other.org"] });
    assert.deepEqual(f.events.recipientDomains(alice.jid, MID), ["other.org", "third.example"]);
    assert.equal(f.events.recipientDomains(mallory.jid, MID), undefined);
    for (let i = 0; i < 100; i++) f.core.publish(alice, M, stage("relayed"));
    assert.deepEqual(f.events.recipientDomains(alice.jid, MID), ["other.org", "third.example"]); // survives the cap
  });
});
