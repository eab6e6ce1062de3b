/**
 * Hostile input: rounds of generated stanzas (malformed payloads, missing or
 * wrong attributes, oversized values, deep nesting, unknown namespaces, wrong
 * IQ types, ad-hoc and pubsub requests out of order) from several clients to
 * `xsmtp run`. Every IQ get/set gets exactly one answer with the error its
 * class calls for; nothing else gets an answer; the process stays up, the
 * database stays sound, and a second identical round does not grow memory.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@xmpp/client";
import type xml from "@xmpp/xml";
import { rssMb } from "../../devtools/load/processes.js";
import { signedRequests } from "../../devtools/load/verify-requests.js";
import { DOMAIN, integrityCheck, ReplyCounter, send, startStack, type Stack } from "./stack.js";

const NS = "urn:xmpp:xsmtp:0";
const PUBSUB = "http://jabber.org/protocol/pubsub";
const CMD = "http://jabber.org/protocol/commands";
const PER_CLASS = 450;
const CLIENTS = 4;
const IN_FLIGHT = 48;

/** What a class expects back: an error condition, a verification result/reason, or no answer at all. */
type Expect = { error: string; app?: string } | { verification: string; reason?: string } | { none: true };
interface HostileClass {
  name: string;
  make(id: string, n: number): string;
  expect: Expect;
  /** Ad-hoc commands answer `forbidden` to other domains before looking further: send these as a would-be user. */
  sender?: "user-domain" | "foreign";
}

const iq = (type: string, id: string, inner: string, to = DOMAIN) => `<iq type='${type}' id='${id}' to='${to}'>${inner}</iq>`;
const verify = (inner: string) => `<verify xmlns='${NS}'>${inner}</verify>`;
const nest = (depth: number, leaf: string) => "<a>".repeat(depth) + leaf + "</a>".repeat(depth);
const junk = (n: number, size: number) => `${n.toString(36)}${"x".repeat(size)}`;

function classes(): HostileClass[] {
  const good = signedRequests(1, 10)[0]!;
  const headers = good.sent.map((f) => `<header name='${f.name}'>${f.value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</header>`).join("");
  const sig = `<signature>${good.signature}</signature>`;
  const bigSubject = (n: number) =>
    good.sent.map((f) => `<header name='${f.name}'>${f.name === "Subject" ? junk(n, 30_000) : f.value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</header>`).join("");
  return [
    { name: "verify without signature", make: (id) => iq("get", id, verify(headers)), expect: { error: "bad-request" } },
    { name: "verify with two signatures", make: (id) => iq("get", id, verify(sig + sig + headers)), expect: { error: "bad-request" } },
    { name: "signature holding elements", make: (id) => iq("get", id, verify(`<signature><b>x</b></signature>`)), expect: { error: "bad-request" } },
    { name: "header without a name", make: (id) => iq("get", id, verify(sig + "<header>x</header>")), expect: { error: "bad-request" } },
    { name: "empty signature", make: (id) => iq("get", id, verify("<signature>  </signature>")), expect: { error: "bad-request" } },
    { name: "deeply nested signature", make: (id) => iq("get", id, verify(`<signature>${nest(200, "x")}</signature>`)), expect: { error: "bad-request" } },
    { name: "garbage tag list", make: (id, n) => iq("get", id, verify(`<signature>${junk(n, 40)}=;;=</signature>`)), expect: { verification: "permerror", reason: "malformed-signature" } },
    { name: "oversized signature (60 kB)", make: (id, n) => iq("get", id, verify(`<signature>v=1; a=hmac-sha256; b=${junk(n, 60_000)}</signature>`)), expect: { verification: "permerror", reason: "malformed-signature" } },
    { name: "oversized header values", make: (id, n) => iq("get", id, verify(sig + bigSubject(n))), expect: { verification: "fail", reason: "signature-mismatch" } },
    { name: "unknown algorithm", make: (id) => iq("get", id, verify(`<signature>${good.signature.replace("hmac-sha256", "hmac-md5")}</signature>` + headers)), expect: { verification: "permerror", reason: "unsupported-algorithm" } },
    { name: "headers missing", make: (id) => iq("get", id, verify(sig)), expect: { verification: "permerror", reason: "missing-header" } },
    { name: "verify in another namespace", make: (id) => iq("get", id, `<verify xmlns='urn:example:unknown'>${sig}</verify>`), expect: { error: "service-unavailable" } },
    { name: "unknown payload", make: (id, n) => iq("get", id, `<q${n % 7} xmlns='urn:example:${n}'/>`), expect: { error: "service-unavailable" } },
    { name: "verify as type set", make: (id) => iq("set", id, verify(sig + headers)), expect: { error: "service-unavailable" } },
    { name: "iq get with two payloads", make: (id) => iq("get", id, verify(sig) + verify(sig)), expect: { error: "bad-request" } },
    { name: "iq get with no payload", make: (id) => iq("get", id, ""), expect: { error: "bad-request" } },
    { name: "command with an unknown session", make: (id, n) => iq("set", id, `<command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#enroll' sessionid='nope-${n}' action='next'/>`), expect: { error: "bad-request", app: "bad-sessionid" }, sender: "user-domain" },
    { name: "unknown command", make: (id, n) => iq("set", id, `<command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#nothing-${n}'/>`), expect: { error: "item-not-found" }, sender: "user-domain" },
    { name: "command complete before execute", make: (id) => iq("set", id, `<command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#enroll' action='complete'/>`), expect: { error: "bad-request" }, sender: "user-domain" },
    { name: "command from a foreign domain", make: (id) => iq("set", id, `<command xmlns='${CMD}' node='urn:xmpp:xsmtp:0#enroll' action='execute'/>`), expect: { error: "forbidden" }, sender: "foreign" },
    { name: "items of an unknown node", make: (id, n) => iq("get", id, `<pubsub xmlns='${PUBSUB}'><items node='progress/none-${n}@example.org'/></pubsub>`), expect: { error: "item-not-found" } },
    { name: "publish without payload to an unknown node", make: (id, n) => iq("set", id, `<pubsub xmlns='${PUBSUB}'><publish node='progress/p-${n}@example.org'><item/></publish></pubsub>`), expect: { error: "item-not-found" } },
    { name: "unsupported pubsub request", make: (id, n) => iq("set", id, `<pubsub xmlns='${PUBSUB}'><create node='n${n}'/></pubsub>`), expect: { error: "feature-not-implemented" } },
    { name: "iq result to the service", make: (id) => iq("result", id, ""), expect: { none: true } },
    { name: "iq error to the service", make: (id) => iq("error", id, `<error type='cancel'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`), expect: { none: true } },
    { name: "message with junk", make: (id, n) => `<message id='${id}' to='${DOMAIN}'><body>${junk(n, 100)}</body>${nest(50, "")}</message>`, expect: { none: true } },
  ];
}

function mismatch(reply: xml.Element | undefined, expect: Expect): string | undefined {
  if ("none" in expect) return reply ? `answered: ${reply.toString().slice(0, 300)}` : undefined;
  if (!reply) return "no answer";
  if ("error" in expect) {
    const error = reply.getChild("error");
    const condition = error?.children.find((c) => typeof c !== "string" && c.attrs.xmlns === "urn:ietf:params:xml:ns:xmpp-stanzas") as xml.Element | undefined;
    if (reply.attrs.type !== "error" || condition?.name !== expect.error) return `got ${reply.toString().slice(0, 400)}`;
    if (expect.app && !error!.getChildElements().some((c) => c.name === expect.app)) return `no <${expect.app}/>: ${reply.toString().slice(0, 400)}`;
    return undefined;
  }
  const v = reply.getChild("verification", NS);
  if (reply.attrs.type !== "result" || v?.attrs.result !== expect.verification || (expect.reason && v.attrs.reason !== expect.reason)) {
    return `got ${reply.toString().slice(0, 400)}`;
  }
  return undefined;
}

describe("hostile input", () => {
  let stack: Stack;
  const clients: Client[] = [];
  const counter = new ReplyCounter();
  before(async () => {
    stack = await startStack({ users: 10, env: { XSMTP_LOG_LEVEL: "info" } });
    for (let i = 1; i <= CLIENTS; i++) {
      const c = await stack.client(`mallory${i}`, i % 2 ? "other.org" : "example.org");
      counter.watch(c);
      clients.push(c);
    }
  });
  after(async () => stack?.stop());

  /** Sends every class PER_CLASS times, interleaved, IN_FLIGHT get/set at a time; returns mismatches by class. */
  async function round(tag: string) {
    const list = classes();
    const jobs: { id: string; text: string; cls: HostileClass }[] = [];
    for (let n = 0; n < PER_CLASS; n++) for (const cls of list) jobs.push({ id: `${tag}-${jobs.length}`, text: cls.make(`${tag}-${jobs.length}`, n), cls });
    let next = 0;
    const worker = async (w: number) => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        // Clients alternate other.org, example.org: the user-domain ones are the odd indexes.
        const c = clients[job.cls.sender === "user-domain" ? 2 * (w % 2) + 1 : job.cls.sender === "foreign" ? 2 * (w % 2) : w % clients.length]!;
        if ("none" in job.cls.expect) {
          void send(c, job.text);
          continue;
        }
        await counter.request(c, job.id, job.text).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
    await sleep(1_000); // time for a wrong answer to a result/error/message to show up
    const wrong = new Map<string, { count: number; sample: string }>();
    for (const job of jobs) {
      const replies = counter.replies.get(job.id) ?? [];
      const problem = replies.length > 1 ? `answered ${replies.length} times` : mismatch(replies[0], job.cls.expect);
      if (!problem) continue;
      const entry = wrong.get(job.cls.name) ?? { count: 0, sample: problem };
      entry.count++;
      wrong.set(job.cls.name, entry);
    }
    return { sent: jobs.length, wrong };
  }

  it("every get/set gets the one error its class calls for, the process lives, the database is sound, memory is bounded", async () => {
    const pid = stack.component().child.pid!;
    const first = await round("h1");
    assert.ok(first.sent >= 10_000, `only ${first.sent} stanzas`);
    assert.deepEqual(Object.fromEntries(first.wrong), {});
    const rssBefore = rssMb(pid);
    const second = await round("h2");
    assert.deepEqual(Object.fromEntries(second.wrong), {});
    const rssAfter = rssMb(pid);
    process.stderr.write(`hostile: ${first.sent + second.sent} stanzas in two rounds; RSS ${rssBefore.toFixed(1)} -> ${rssAfter.toFixed(1)} MB\n`);
    assert.ok(rssAfter - rssBefore < 25, `RSS grew ${rssBefore.toFixed(1)} -> ${rssAfter.toFixed(1)} MB over an identical round`);
    assert.equal(stack.component().child.exitCode, null, "the component process died");
    assert.equal(integrityCheck(stack.database), "ok");
    stack.component().child.kill("SIGTERM");
    assert.equal(await stack.component().exited, 0);
  });
});
