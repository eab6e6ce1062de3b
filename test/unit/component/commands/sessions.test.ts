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
  start: () => stage(0),
  advance: (_a, n, action) => (action === "prev" ? stage(n - 1) : action === "next" ? stage(n + 1) : { status: "completed" }),
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
  const reply = (req: Partial<CommandRequest>) => {
    const r = run(req);
    assert.equal(typeof r, "object", `expected a reply, got ${String(r)}`);
    return r as CommandReply;
  };
  return { sessions, run, reply, advance: (s: number) => void (now += s * 1000) };
}

describe("command session core (no XML)", () => {
  it("execute starts a session whose stages offer only their actions", () => {
    const { run, reply } = setup();
    const first = reply({});
    assert.deepEqual([first.sessionId, first.status, first.actions], ["s1", "executing", { execute: "next", allowed: ["next"] }]);
    assert.equal(run({ sessionId: "s1", action: "prev" }), "bad-action");
    assert.equal(run({ sessionId: "s1", action: "complete" }), "bad-action");
    const second = reply({ sessionId: "s1", action: "execute" });
    assert.deepEqual(second.actions, { execute: "next", allowed: ["prev", "next"] });
    assert.equal(reply({ sessionId: "s1", action: "prev" }).form?.fields[0]?.values?.[0], "0");
    reply({ sessionId: "s1", action: "next" });
    const third = reply({ sessionId: "s1", action: "next" });
    assert.deepEqual(third.actions, { execute: "complete", allowed: ["prev", "complete"] });
    assert.equal(run({ sessionId: "s1", action: "next" }), "bad-action");
    assert.equal(reply({ sessionId: "s1" }).status, "completed");
    assert.equal(run({ sessionId: "s1" }), "session-expired");
  });

  it("cancel ends the session at every stage, and its id is then expired", () => {
    for (const steps of [0, 1, 2]) {
      const { run, reply } = setup();
      const { sessionId } = reply({});
      for (let i = 0; i < steps; i++) reply({ sessionId, action: "next" });
      assert.deepEqual(reply({ sessionId, action: "cancel" }), { node: NODE, sessionId, status: "canceled" });
      assert.equal(run({ sessionId, action: "next" }), "session-expired");
      assert.equal(run({ sessionId, action: "cancel" }), "session-expired");
    }
  });

  it("a session idle for the timeout expires; activity keeps it alive", () => {
    const { run, reply, advance } = setup();
    const { sessionId } = reply({});
    advance(599);
    reply({ sessionId, action: "next" });
    advance(599);
    reply({ sessionId, action: "prev" });
    advance(600);
    assert.equal(run({ sessionId, action: "next" }), "session-expired");
  });

  it("unknown, foreign and mismatched session ids are bad-sessionid", () => {
    const { run, reply, advance } = setup();
    const { sessionId } = reply({});
    assert.equal(run({ sessionId: "nope", action: "next" }), "bad-sessionid");
    assert.equal(run({ sessionId, action: "next", from: "alice@example.org/other" }), "bad-sessionid");
    assert.equal(run({ sessionId, action: "next", from: "admin@example.org/r", node: "urn:xmpp:xsmtp:0#admin" }), "bad-sessionid");
    assert.equal(run({ action: "next" }), "bad-sessionid");
    assert.equal(run({ action: "cancel" }), "bad-sessionid");
    // Tombstones are forgotten after one more timeout.
    reply({ sessionId, action: "cancel" });
    advance(601);
    reply({});
    assert.equal(run({ sessionId, action: "next" }), "bad-sessionid");
  });

  it("unknown nodes, unknown actions and forbidden commands are told apart", () => {
    const { run } = setup();
    assert.equal(run({ node: "urn:xmpp:xsmtp:0#nope" }), "item-not-found");
    assert.equal(run({ action: "jump" }), "malformed-action");
    assert.equal(run({ node: "urn:xmpp:xsmtp:0#admin" }), "forbidden");
    assert.equal(run({ from: "mallory@other.org/r" }), "forbidden");
    assert.equal(run({ from: "example.org" }), "forbidden");
    assert.equal(typeof run({ from: "admin@example.org/r", node: "urn:xmpp:xsmtp:0#admin" }), "object");
  });

  it("sessions are bounded per requester (oldest dropped) and in all (refused)", () => {
    const { run, reply } = setup({ maxPerActor: 2, maxSessions: 3 });
    const a = reply({}).sessionId;
    reply({});
    reply({});
    assert.equal(run({ sessionId: a, action: "next" }), "bad-sessionid");
    reply({ from: "bob@example.org/r" });
    assert.equal(run({ from: "carol@example.org/r" }), "too-many-sessions");
  });

  it("lists and finds only what the requester may run", () => {
    const { sessions } = setup();
    assert.deepEqual(sessions.available("alice@example.org/r").map((c) => c.name), ["three"]);
    assert.deepEqual(sessions.available("admin@example.org/r").map((c) => c.name), ["three", "admin"]);
    assert.deepEqual(sessions.available("mallory@other.org/r"), []);
    assert.equal(sessions.command("urn:xmpp:xsmtp:0#admin", "alice@example.org/r"), undefined);
  });
});
