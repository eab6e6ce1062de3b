import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CommandDef, CommandReply, Step } from "../../../../component/commands/command-types.js";
import { permissions } from "../../../../component/commands/permissions.js";
import type { CommandRequest } from "../../../../component/commands/command-types.js";
import { CommandSessions } from "../../../../component/commands/session-core.js";

// A three-stage command: stage 0 → next → stage 1 → next → stage 2 → complete.
const stages: CommandDef<number> = {
  name: "three",
  title: "Three stages",
  selfService: true,
  start: async () => stage(0),
  advance: async (_a, n, action) => (action === "prev" ? stage(n - 1) : action === "next" ? stage(n + 1) : { status: "completed" }),
};
function stage(n: number): Step<number> {
  const forward = n === 2 ? "complete" : "next";
  return {
    status: "executing",
    form: { type: "form", fields: [{ var: "n", type: "fixed", values: [String(n)] }] },
    actions: { execute: forward, allowed: n > 0 ? ["prev", forward] : [forward] },
    state: n,
  };
}
const adminOnly: CommandDef<number> = { ...stages, name: "admin", selfService: false };

const NODE = "urn:xmpp:xsmtp:0#three";
function setup(limits: { maxSessions?: number; maxPerActor?: number } = {}) {
  let now = 0;
  const clock = { now: () => now };
  let n = 0;
  const sessions = new CommandSessions(
    [stages, adminOnly] as CommandDef[],
    permissions({ admins: ["admin@example.org"], userDomains: ["example.org"], selfService: true }),
    { clock, timeoutS: 600, newId: () => `s${++n}`, ...limits },
  );
  const run = (req: Partial<CommandRequest>) => sessions.handle({ from: "alice@example.org/r", node: NODE, form: null, ...req });
  const reply = async (req: Partial<CommandRequest>) => {
    const r = (await run(req));
    assert.equal(typeof r, "object", `expected a reply, got ${String(r)}`);
    return r as CommandReply;
  };
  return { sessions, run, reply, advance: (s: number) => void (now += s * 1000) };
}

describe("command session core (no XML)", () => {
  it("execute starts a session whose stages offer only their actions", async () => {
    const { run, reply } = setup();
    const first = (await reply({}));
    assert.deepEqual([first.sessionId, first.status, first.actions], ["s1", "executing", { execute: "next", allowed: ["next"] }]);
    assert.equal((await run({ sessionId: "s1", action: "prev" })), "bad-action");
    assert.equal((await run({ sessionId: "s1", action: "complete" })), "bad-action");
    const second = (await reply({ sessionId: "s1", action: "execute" }));
    assert.deepEqual(second.actions, { execute: "next", allowed: ["prev", "next"] });
    assert.equal((await reply({ sessionId: "s1", action: "prev" })).form?.fields[0]?.values?.[0], "0");
    await reply({ sessionId: "s1", action: "next" });
    const third = (await reply({ sessionId: "s1", action: "next" }));
    assert.deepEqual(third.actions, { execute: "complete", allowed: ["prev", "complete"] });
    assert.equal((await run({ sessionId: "s1", action: "next" })), "bad-action");
    assert.equal((await reply({ sessionId: "s1" })).status, "completed");
    assert.equal((await run({ sessionId: "s1" })), "session-expired");
  });

  it("cancel ends the session at every stage, and its id is then expired", async () => {
    for (const steps of [0, 1, 2]) {
      const { run, reply } = setup();
      const { sessionId } = (await reply({}));
      for (let i = 0; i < steps; i++) (await reply({ sessionId, action: "next" }));
      assert.deepEqual((await reply({ sessionId, action: "cancel" })), { node: NODE, sessionId, status: "canceled" });
      assert.equal((await run({ sessionId, action: "next" })), "session-expired");
      assert.equal((await run({ sessionId, action: "cancel" })), "session-expired");
    }
  });

  it("a session idle for the timeout expires; activity keeps it alive", async () => {
    const { run, reply, advance } = setup();
    const { sessionId } = (await reply({}));
    advance(599);
    await reply({ sessionId, action: "next" });
    advance(599);
    await reply({ sessionId, action: "prev" });
    advance(600);
    assert.equal((await run({ sessionId, action: "next" })), "session-expired");
  });

  it("unknown, foreign and mismatched session ids are bad-sessionid", async () => {
    const { run, reply, advance } = setup();
    const { sessionId } = (await reply({}));
    assert.equal((await run({ sessionId: "nope", action: "next" })), "bad-sessionid");
    assert.equal((await run({ sessionId, action: "next", from: "alice@example.org/other" })), "bad-sessionid");
    assert.equal((await run({ sessionId, action: "next", from: "admin@example.org/r", node: "urn:xmpp:xsmtp:0#admin" })), "bad-sessionid");
    assert.equal((await run({ action: "next" })), "bad-sessionid");
    assert.equal((await run({ action: "cancel" })), "bad-sessionid");
    // Tombstones are forgotten after one more timeout.
    await reply({ sessionId, action: "cancel" });
    advance(601);
    await reply({});
    assert.equal((await run({ sessionId, action: "next" })), "bad-sessionid");
  });

  it("unknown nodes, unknown actions and forbidden commands are told apart", async () => {
    const { run } = setup();
    assert.equal((await run({ node: "urn:xmpp:xsmtp:0#nope" })), "item-not-found");
    assert.equal((await run({ action: "jump" })), "malformed-action");
    assert.equal((await run({ node: "urn:xmpp:xsmtp:0#admin" })), "forbidden");
    assert.equal((await run({ from: "mallory@other.org/r" })), "forbidden");
    assert.equal((await run({ from: "example.org" })), "forbidden");
    assert.equal(typeof (await run({ from: "admin@example.org/r", node: "urn:xmpp:xsmtp:0#admin" })), "object");
  });

  it("sessions are bounded per requester (oldest dropped) and in all (refused)", async () => {
    const { run, reply } = setup({ maxPerActor: 2, maxSessions: 3 });
    const a = (await reply({})).sessionId;
    await reply({});
    await reply({});
    assert.equal((await run({ sessionId: a, action: "next" })), "bad-sessionid");
    await reply({ from: "bob@example.org/r" });
    assert.equal((await run({ from: "carol@example.org/r" })), "too-many-sessions");
  });

  it("lists and finds only what the requester may run", async () => {
    const { sessions } = setup();
    assert.deepEqual(sessions.available("alice@example.org/r").map((c) => c.name), ["three"]);
    assert.deepEqual(sessions.available("admin@example.org/r").map((c) => c.name), ["three", "admin"]);
    assert.deepEqual(sessions.available("mallory@other.org/r"), []);
    assert.equal(sessions.command("urn:xmpp:xsmtp:0#admin", "alice@example.org/r"), undefined);
  });
});
