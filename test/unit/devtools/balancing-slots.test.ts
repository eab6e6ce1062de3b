// The cluster bench loads every instance alike only if its users share out
// evenly over every instance count's balancing slots at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evenUsers } from "../../../devtools/load/balancing-slots.js";

/** Slots from a table of [user, slot for 2, slot for 3]. */
function slots(rows: [string, number, number][]): [string[], Map<string, number>[]] {
  return [rows.map((r) => r[0]), [new Map(rows.map((r) => [r[0], r[1]])), new Map(rows.map((r) => [r[0], r[2]]))]];
}

const counts = (chosen: string[], slot: Map<string, number>) => {
  const out = new Map<number, number>();
  for (const u of chosen) out.set(slot.get(u)!, (out.get(slot.get(u)!) ?? 0) + 1);
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
};

describe("evenUsers", () => {
  it("picks users so that each slot of every count gets size / count", () => {
    const [users, bySlot] = slots([
      ["a", 0, 0], ["b", 0, 0], ["c", 0, 1], ["d", 1, 1], ["e", 1, 2], ["f", 1, 2],
      ["g", 0, 0], ["h", 1, 0], ["i", 0, 2], ["j", 1, 1], ["k", 0, 1], ["l", 1, 2],
    ]);
    const chosen = evenUsers(users, [2, 3], bySlot, 6)!;
    assert.equal(chosen.length, 6);
    assert.equal(new Set(chosen).size, 6);
    assert.deepEqual(counts(chosen, bySlot[0]!), [3, 3]);
    assert.deepEqual(counts(chosen, bySlot[1]!), [2, 2, 2]);
  });

  it("answers undefined when the users cannot be shared out evenly", () => {
    const [users, bySlot] = slots([["a", 0, 0], ["b", 0, 1], ["c", 0, 2], ["d", 1, 0], ["e", 0, 1], ["f", 0, 2]]);
    assert.equal(evenUsers(users, [2, 3], bySlot, 6), undefined, "only one user on slot 1 of 2");
    assert.equal(evenUsers(users, [2, 3], bySlot, 5), undefined, "5 is not a multiple of 2 and 3");
  });
});
