/**
 * Issue 14's failure test: three `xsmtp run` instances on one PostgreSQL
 * behind a two-node ejabberd 23.01 cluster (domain_balancing bare_source,
 * component_number 3), two attached to node 1 and one to node 2, serve
 * verification, ad-hoc commands and progress. Then, under verification load
 * from twelve bare JIDs on both nodes: one instance is killed with kill -9,
 * node 2 is stopped, PostgreSQL is killed and started again. Every verify IQ
 * is answered at most once, every request is answered in the end (the
 * verifiers retry under a new IQ id after a timeout or an IQ error), the
 * survivors keep serving, and while PostgreSQL is away the answers are
 * temperror service-busy, never a timeout or a crash.
 *
 * What ejabberd 23.01 does with a dead instance's slot (seen here, and read
 * in ejabberd_router and ejabberd_router_mnesia): the slot outlives its
 * connection. When a component connection ends, its route becomes a
 * placeholder without a process, and every stanza whose sender's bare JID
 * hashes to that slot is dropped, with no error reply. The other
 * connections keep their own slots and never take another one; only a new
 * handshake takes a free slot. So after a kill -9 the instance's users get
 * nothing until the instance (or any new connection) comes back: a
 * supervisor must restart it, and this test does, as systemd's Restart=
 * would, after watching the dead slot for a while.
 *
 * References: XEP-0114; PROTOCOL.md §5 (temperror service-busy), §6, §8.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { xml, type Client } from "@xmpp/client";
import type xmlNs from "@xmpp/xml";
import { KEY_ID, userJid, userSecret } from "../../../devtools/load/seed.js";
import { aliceMessage, sign, verifyIq } from "../../../devtools/load/signed-message.js";
import { waitFor } from "../../../devtools/servers/wait.js";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";
import { stopXsmtp } from "../../../devtools/xsmtp-process.js";
import { decodeSecret } from "../../../signature/index.js";
import {
  allEnded, attemptFigures, attemptsOf, endings, firstPassAfter, longestOf, ms, passed, sentIn,
} from "../../support/attempt-record.js";
import { runSteps, SERVICE } from "../../support/client-commands.js";
import { logLines, servedSigners, startClusterStack, type ClusterStack, type Instance } from "../../support/cluster-stack.js";
import { NS_PROGRESS, NS_PUBSUB } from "../../support/pubsub-stanzas.js";
import { RetryingVerifier } from "../../support/retrying-verifier.js";

const SECRET = "cluster-failover-secret";
const PASSWORD = "cluster-pw";
const NS = "urn:xmpp:xsmtp:0";
const NS_EVENT = "http://jabber.org/protocol/pubsub#event";
/**
 * v01..v12@other.org, odd ones on node 1, even ones on node 2. ejabberd
 * hashes them onto the three slots 4, 6 and 2 at a time, each slot with
 * users on both nodes. Of the single users below, admin@example.org hashes
 * to slot 1, dave@other.org to slot 2, the progress owner to slot 3: the
 * commands, the verifications and the publishes reach different instances.
 */
const VERIFIERS = 12;
const OWNER = userJid(VERIFIERS + 1);
const ATTEMPT_TIMEOUT_MS = 2_000;
const MAX_ATTEMPTS = 12;
/** How long the dead slot is watched before the killed instance is started again. */
const DEAD_SLOT_MS = 3_000;
const PG_DOWN_MS = 2_500;

describe("three XSMTP instances on PostgreSQL behind a two-node ejabberd cluster", { timeout: 240_000 }, () => {
  let stack: ClusterStack;
  const verifiers: RetryingVerifier[] = [];
  let admin: Client;
  let owner: Client;
  let dave: Client;
  const headlines = new Map<Client, xmlNs.Element[]>();
  /** Which instance served which verifier, from the instances' logs at warm-up. */
  const servedBy = new Map<string, Instance>();
  /** From PostgreSQL's kill until everyone passed again: the only time temperror may be the answer. */
  let pgWindow: [number, number] = [Infinity, Infinity];

  const usersOf = (instance: Instance) => verifiers.filter((v) => servedBy.get(v.name) === instance);
  const instancesState = () =>
    stack.instances.map((i) => `${i.name}: ${i.proc.child.exitCode ?? i.proc.child.signalCode ?? "running"}\n${i.proc.output().slice(-1500)}`).join("\n");
  /** Until every verifier has had a pass for a request sent at or after `t`. */
  const everyonePassesAfter = (t: number, what: string) =>
    waitFor(() => verifiers.every((v) => sentIn([v], t).some(passed)), {
      timeoutMs: 30_000,
      describe: () => `${what}: no pass for ${verifiers.filter((v) => !sentIn([v], t).some(passed)).map((v) => v.name).join(" ")}\n${instancesState()}`,
    });

  before(async () => {
    stack = await startClusterStack({ secret: SECRET, homes: [0, 0, 1], users: VERIFIERS + 1 });
    const { cluster } = stack;
    const names = Array.from({ length: VERIFIERS }, (_, i) => `v${String(i + 1).padStart(2, "0")}`);
    await Promise.all([
      ...names.map((user) => cluster.register(user, "other.org", PASSWORD)),
      cluster.register("dave", "other.org", PASSWORD),
      cluster.register("admin", "example.org", PASSWORD),
      cluster.register(OWNER.split("@")[0]!, "example.org", PASSWORD),
    ]);
    const ports = cluster.nodes.map((node) => node.c2sPort);
    for (const [i, user] of names.entries()) {
      const own = i % 2;
      const v = new RetryingVerifier({
        user, host: "other.org", password: PASSWORD, ports: [...ports.slice(own), ...ports.slice(0, own)],
        signer: userJid(i + 1), timeoutMs: ATTEMPT_TIMEOUT_MS, maxAttempts: MAX_ATTEMPTS, paceMs: 20,
      });
      await v.connect();
      verifiers.push(v);
    }
    const login = (jid: string, node: number) => {
      const [username, domain] = jid.split("@") as [string, string];
      return connectClient({ port: ports[node]!, domain, username, password: PASSWORD });
    };
    [admin, owner, dave] = await Promise.all([login("admin@example.org", 1), login(OWNER, 0), login("dave@other.org", 1)]);
    for (const c of [admin, owner]) {
      const received: xmlNs.Element[] = [];
      headlines.set(c, received);
      c.on("stanza", (s: xmlNs.Element) => void (s.is("message") && s.attrs.type === "headline" && received.push(s)));
      // Headlines to a bare JID reach available resources only (RFC 6121 §8.5.2.1.1).
      await c.send(xml("presence"));
    }
  });
  after(async () => {
    await Promise.all(verifiers.map((v) => v.stop()));
    await Promise.all([...verifiers.map((v) => v.close()), ...[admin, owner, dave].filter(Boolean).map((c) => closeClient(c, 500))]);
    await stack?.stop();
  });

  it("verify IQs from twelve bare JIDs on both nodes all pass, each bare JID served by one instance, every instance serving", async (t) => {
    const startedAt = Date.now();
    for (const v of verifiers) v.start();
    await everyonePassesAfter(startedAt, "warm-up");
    await sleep(1_000);
    for (const instance of stack.instances) {
      const signers = servedSigners(instance.proc);
      for (const v of verifiers.filter((v) => signers.has(v.options.signer))) {
        assert.equal(servedBy.get(v.name), undefined, `${v.name} served by ${servedBy.get(v.name)?.name} and ${instance.name}`);
        servedBy.set(v.name, instance);
      }
    }
    assert.deepEqual(verifiers.filter((v) => !servedBy.has(v.name)).map((v) => v.name), []);
    for (const instance of stack.instances) assert.ok(usersOf(instance).length > 0, `instance ${instance.name} served no one`);
    t.diagnostic(`warm-up: ${attemptFigures(verifiers, startedAt, Date.now())}`);
    t.diagnostic(`served: ${stack.instances.map((i) => `${i.name} (node ${i.home + 1}): ${usersOf(i).map((v) => v.name).join(" ")}`).join("; ")}`);
  });

  it("an admin on node 2 enrolls a user in two steps on one instance, and the key verifies through another", async () => {
    const jid = "carol@example.org";
    const enrolled = await runSteps(admin, "enroll", [{ fields: { jid, label: "laptop" } }]);
    assert.equal(enrolled.status, "completed");
    assert.deepEqual(enrolled.fields.jid, [jid]);
    const signed = sign(aliceMessage({ From: `<${jid}>`, "Message-ID": "<carol-1@example.org>" }), {
      jid, keyId: enrolled.fields["key-id"]![0]!, secret: decodeSecret(enrolled.fields.secret![0]!)!, t: Math.floor(Date.now() / 1000),
    });
    const verification = await verify(dave, signed);
    assert.deepEqual([verification.attrs.result, verification.attrs.jid], ["pass", jid]);
    const enrolledBy = stack.instances.filter((i) => logLines(i.proc, "command").some((l) => String(l.from).startsWith("admin@example.org/")));
    const verifiedBy = stack.instances.filter((i) => servedSigners(i.proc).has(jid));
    assert.equal(enrolledBy.length, 1);
    assert.equal(verifiedBy.length, 1);
    assert.notEqual(enrolledBy[0], verifiedBy[0]);
  });

  it("the owner publishes, an admin subscribes, and a pass verified by a third instance reaches both as a headline", async () => {
    const messageId = "progress-1@example.org";
    const node = `progress/${OWNER}/${messageId}`;
    const pubsub = (c: Client, child: xmlNs.Element) =>
      c.iqCaller.request(xml("iq", { type: "set", to: SERVICE }, xml("pubsub", { xmlns: NS_PUBSUB }, child)));
    await pubsub(owner, xml("publish", { node }, xml("item", {}, xml("progress", { xmlns: NS_PROGRESS, stage: "submitted" }))));
    const subscribed = await pubsub(admin, xml("subscribe", { node, jid: "admin@example.org" }));
    assert.equal(subscribed.getChild("pubsub")?.getChild("subscription")?.attrs.subscription, "subscribed");

    const signed = sign(aliceMessage({ From: `<${OWNER}>`, "Message-ID": `<${messageId}>` }), {
      jid: OWNER, keyId: KEY_ID, secret: userSecret(OWNER), t: Math.floor(Date.now() / 1000),
    });
    assert.equal((await verify(dave, signed)).attrs.result, "pass");
    const verified = (c: Client) =>
      headlines.get(c)!.find((m) => {
        const items = m.getChild("event", NS_EVENT)?.getChild("items");
        return items?.attrs.node === node && items.getChild("item")?.getChild("progress", NS_PROGRESS)?.attrs.stage === "verified";
      });
    await waitFor(() => verified(owner) !== undefined && verified(admin) !== undefined, {
      timeoutMs: 5_000,
      describe: () => `verified headline to the owner: ${verified(owner) !== undefined}, to the admin: ${verified(admin) !== undefined}`,
    });
    assert.equal(verified(admin)!.attrs.from, SERVICE);
  });

  it("kill -9 of an instance: the others keep serving, its slot drops its users' IQs until it is started again, then they pass", async (t) => {
    const victim = stack.instances[0]!;
    const orphans = usersOf(victim);
    const others = verifiers.filter((v) => !orphans.includes(v));
    const killAt = Date.now();
    victim.proc.child.kill("SIGKILL");
    assert.equal(await victim.proc.exited, "SIGKILL");
    await sleep(DEAD_SLOT_MS);
    const restartAt = Date.now();
    await stack.restart(victim);
    const onlineAt = Date.now();
    await everyonePassesAfter(onlineAt, "after the restart");
    const settledAt = Date.now();
    await allEnded(verifiers, settledAt, ATTEMPT_TIMEOUT_MS + 2_000);

    // While the slot had no connection, nothing at all came back to its users, not even an error.
    const dropped = sentIn(orphans, killAt + 100, restartAt);
    for (const v of orphans) assert.ok(sentIn([v], killAt + 100, restartAt).length > 0, `${v.name} sent nothing meanwhile`);
    assert.deepEqual(endings(dropped), ["timeout"]);
    // The other slots' users went on passing meanwhile, without a timeout.
    for (const v of others) assert.ok(sentIn([v], killAt, restartAt).some(passed), `${v.name} got no pass while the slot was dead`);
    assert.deepEqual(endings(sentIn(others, killAt, restartAt)), ["pass"]);
    // The new process took the one free slot, the killed one's: the same users.
    await sleep(500);
    assert.deepEqual([...servedSigners(victim.proc, onlineAt)].sort(), orphans.map((v) => v.options.signer).sort());

    const back = Math.max(...orphans.map((v) => firstPassAfter(v, killAt)));
    const lostAfterHandshake = sentIn(orphans, onlineAt).filter((a) => a.timedOut).length;
    t.diagnostic(`kill -9 of ${victim.name}: its ${orphans.length} users' ${dropped.length} IQs dropped without an answer; restarted after ${ms(restartAt - killAt)}, online ${ms(onlineAt - restartAt)} later`);
    t.diagnostic(`gap for its users: ${ms(back - killAt)} from the kill, ${ms(back - restartAt)} from the restart (${lostAfterHandshake} IQs lost after the new handshake)`);
    t.diagnostic(`the other ${others.length} users meanwhile: ${sentIn(others, killAt, restartAt).filter(passed).length} passes, longest time without one ${ms(longestOf(others, killAt, restartAt))}; phase: ${attemptFigures(verifiers, killAt, settledAt)}`);
  });

  it("node 2 stopped: its instance reconnects to node 1 and takes its slot back, its users log in on node 1, and all pass again", async (t) => {
    const moved = stack.instances.find((i) => i.home === 1)!;
    const movedUsers = usersOf(moved);
    const nodeTwoUsers = verifiers.filter((v) => v.options.ports[0] === stack.cluster.nodes[1].c2sPort);
    const untouched = verifiers.filter((v) => !movedUsers.includes(v) && !nodeTwoUsers.includes(v));
    const pid = moved.proc.child.pid;
    const node1 = `xmpp://127.0.0.1:${stack.cluster.nodes[0].componentPort}`;
    const stopAt = Date.now();
    await stack.cluster.nodes[1].stop();
    const stoppedAt = Date.now();
    await waitFor(() => logLines(moved.proc, "online").some((l) => l.at >= stopAt && l.service === node1), {
      timeoutMs: 15_000,
      describe: () => `instance ${moved.name} did not come online on node 1\n${instancesState()}`,
    });
    await everyonePassesAfter(stoppedAt, "after node 2 stopped");
    const settledAt = Date.now();
    await allEnded(verifiers, settledAt, ATTEMPT_TIMEOUT_MS + 2_000);

    assert.equal(moved.proc.child.pid, pid, "the instance reconnected, it was not restarted");
    assert.equal(moved.proc.child.exitCode, null);
    for (const v of nodeTwoUsers) assert.equal(v.moves.at(-1)?.node, 1, `${v.name} did not move to node 1`);
    // Node 1's users of the two other slots did not notice.
    assert.deepEqual(endings(sentIn(untouched, stopAt, settledAt)), ["pass"]);
    const offline = logLines(moved.proc, "disconnected; reconnecting").find((l) => l.at >= stopAt)!.at;
    const online = logLines(moved.proc, "online").find((l) => l.at >= stopAt)!.at;
    await sleep(500);
    assert.deepEqual([...servedSigners(moved.proc, online)].sort(), movedUsers.map((v) => v.options.signer).sort());

    const lost = Math.max(...nodeTwoUsers.map((v) => v.moves.at(-1)!.lostAt - stopAt));
    const relogin = Math.max(...nodeTwoUsers.map((v) => v.moves.at(-1)!.at - v.moves.at(-1)!.lostAt));
    t.diagnostic(`node 2 stop took ${ms(stoppedAt - stopAt)}; instance ${moved.name} disconnected ${ms(offline - stopAt)} after it began, online on node 1 ${ms(online - offline)} later`);
    t.diagnostic(`node 2's ${nodeTwoUsers.length} users: sessions lost up to ${ms(lost)} after the stop began, logged in on node 1 up to ${ms(relogin)} later`);
    t.diagnostic(`longest time without a pass: ${moved.name}'s users ${ms(longestOf(movedUsers, stopAt, settledAt))}, node 2's users ${ms(longestOf(nodeTwoUsers, stopAt, settledAt))}, the others ${ms(longestOf(untouched, stopAt, settledAt))}; phase: ${attemptFigures(verifiers, stopAt, settledAt)}`);
  });

  it("PostgreSQL killed and started again under load: temperror service-busy meanwhile, no timeout, no crash, then pass", async (t) => {
    const killAt = Date.now();
    stack.pg.kill();
    await sleep(PG_DOWN_MS);
    const startAt = Date.now();
    await stack.pg.start();
    const upAt = Date.now();
    await everyonePassesAfter(upAt, "after PostgreSQL came back");
    const settledAt = Date.now();
    pgWindow = [killAt, settledAt];
    await allEnded(verifiers, settledAt, ATTEMPT_TIMEOUT_MS + 2_000);

    const down = sentIn(verifiers, killAt + 100, startAt);
    assert.ok(down.length > 0);
    assert.deepEqual(endings(down), ["temperror service-busy"]);
    const recovering = endings(sentIn(verifiers, startAt, settledAt));
    assert.deepEqual(recovering.filter((e) => e !== "pass" && e !== "temperror service-busy"), []);
    for (const instance of stack.instances) {
      assert.equal(instance.proc.child.exitCode, null, `instance ${instance.name} exited`);
      assert.doesNotMatch(instance.proc.output(), /IQ handler failed/);
    }
    const busy = sentIn(verifiers, killAt, settledAt).filter((a) => a.answers.some((x) => x.result === "temperror")).length;
    const firstPass = Math.min(...verifiers.map((v) => firstPassAfter(v, killAt)));
    t.diagnostic(`PostgreSQL down ${ms(startAt - killAt)}, its start (crash recovery) ${ms(upAt - startAt)}; ${busy} temperror service-busy answers`);
    t.diagnostic(`first pass ${ms(firstPass - startAt)} after the start began, every verifier passing ${ms(settledAt - startAt)} after it; phase: ${attemptFigures(verifiers, killAt, settledAt)}`);
  });

  it("over the whole run every verify IQ was answered at most once, every request was answered, and every instance stops cleanly", async (t) => {
    await Promise.all(verifiers.map((v) => v.stop()));
    const requests = verifiers.flatMap((v) => v.requests);
    const attempts = attemptsOf(verifiers);
    assert.deepEqual(attempts.filter((a) => a.answers.length > 1).map((a) => a.id), [], "IQs answered twice");
    assert.deepEqual(requests.filter((r) => !r.outcome).map((r) => `${r.verifier}-${r.n}`), [], "requests never answered");
    const unexpected = requests.filter((r) => {
      const { sentAt } = r.attempts.find((a) => a.answers.includes(r.outcome!))!;
      const busy = r.outcome!.result === "temperror" && r.outcome!.reason === "service-busy";
      return !(r.outcome!.result === "pass" || (busy && sentAt >= pgWindow[0] && sentAt < pgWindow[1]));
    });
    assert.deepEqual(unexpected.map((r) => `${r.verifier}-${r.n}: ${r.outcome!.result} ${r.outcome!.reason ?? ""}`), []);
    assert.deepEqual(endings(attempts).filter((e) => e.startsWith("error")), []);
    for (const instance of stack.instances) {
      await stopXsmtp(instance.proc);
      assert.equal(await instance.proc.exited, 0, `instance ${instance.name}'s exit`);
    }

    const retries = attempts.length - requests.length;
    const late = attempts.filter((a) => a.timedOut && a.answers.length > 0).length;
    t.diagnostic(`${requests.length} requests in ${attempts.length} IQs: ${requests.filter((r) => r.attempts.length > 1).length} requests retried (${retries} retries, at most ${Math.max(...requests.map((r) => r.attempts.length))} attempts for one); ${attempts.filter((a) => a.timedOut).length} timeouts, ${late} of them answered late; no IQ error`);
  });
});

/** One verify IQ through xmpp.js's IQ caller: the <verification/>. */
async function verify(c: Client, signed: ReturnType<typeof sign>): Promise<xmlNs.Element> {
  const iq = verifyIq("x", signed.signature, signed.sent);
  delete iq.attrs.id;
  delete iq.attrs.from;
  return (await c.iqCaller.request(iq)).getChild("verification", NS)!;
}
