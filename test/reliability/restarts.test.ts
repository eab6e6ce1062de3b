/**
 * Server restarts under a steady verification load: Prosody is restarted five
 * times while a verifier sends verify IQs to `xsmtp run` (a child process, as
 * in production). The component must be back online within 5 s each time,
 * every IQ must get exactly one answer (a result, or Prosody's error while the
 * component is away), and the process must neither crash nor exit uncleanly.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@xmpp/client";
import { signedRequests, verifyIqMaker } from "../../devtools/load/verify-requests.js";
import { closeClient } from "../../devtools/xmpp-client.js";
import { DOMAIN, ReplyCounter, send, startStack, type Stack } from "./stack.js";

const RESTARTS = 5;
const USERS = 1_000;
const onlineCount = (out: string) => out.match(/"msg":"online"/g)?.length ?? 0;

describe("Prosody restarted five times under verification load", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ users: USERS });
  });
  after(async () => stack?.stop());

  it("the component is back within 5 s each time, every IQ is answered exactly once, and it exits 0 on SIGTERM", async () => {
    const make = verifyIqMaker(signedRequests(200, USERS), DOMAIN);
    const counter = new ReplyCounter();
    const sent: string[] = [];
    let client: Client | undefined;
    let n = 0;
    let sending = true;
    const loop = (async () => {
      while (sending) {
        if (client && client.status === "online") {
          const id = `r-${n}`;
          sent.push(id);
          void send(client, make(id, n++));
        }
        await sleep(10);
      }
    })();
    const connect = async () => {
      const c = await stack.client("bob", "other.org");
      counter.watch(c);
      client = c;
    };
    const drain = async () => {
      for (let waited = 0; sent.some((id) => counter.count(id) === 0) && waited < 5_000; waited += 50) await sleep(50);
    };

    await connect();
    const backWithin: number[] = [];
    let answeredByServer = 0;
    for (let i = 1; i <= RESTARTS; i++) {
      await sleep(700);
      // Pause and drain so that no IQ is in flight on a client connection the restart cuts.
      const old = client!;
      client = undefined;
      await drain();
      const before = onlineCount(stack.component().output());
      await stack.prosody.restart();
      const up = Date.now();
      await closeClient(old, 200);
      await connect();
      // Sending resumes at once: IQs that reach Prosody before the component does are answered by Prosody.
      const errorsBefore = [...counter.replies.values()].filter((r) => r[0]!.attrs.type === "error").length;
      await stack.component().waitFor(new RegExp(`("msg":"online"[^]*){${before + 1}}`), 5_000);
      backWithin.push(Date.now() - up);
      await sleep(300);
      answeredByServer += [...counter.replies.values()].filter((r) => r[0]!.attrs.type === "error").length - errorsBefore;
    }
    await sleep(500);
    client = undefined;
    sending = false;
    await loop;
    await drain();

    assert.ok(sent.length > 300, `only ${sent.length} IQs sent`);
    const unanswered = sent.filter((id) => counter.count(id) === 0);
    const twice = sent.filter((id) => counter.count(id) > 1);
    assert.deepEqual(unanswered, [], "IQs without an answer");
    assert.deepEqual(twice, [], "IQs answered twice");
    for (const ms of backWithin) assert.ok(ms <= 5_000, `back online after ${ms} ms`);
    const results = [...counter.replies.values()].filter((r) => r[0]!.attrs.type === "result").length;
    process.stderr.write(
      `restarts: ${sent.length} IQs, ${results} results, ${answeredByServer} answered by Prosody while the component was away; back online after ${backWithin.join(", ")} ms\n`,
    );

    const proc = stack.component();
    assert.equal(proc.child.exitCode, null, "the component process died");
    assert.equal(onlineCount(proc.output()), RESTARTS + 1);
    proc.child.kill("SIGTERM");
    assert.equal(await proc.exited, 0);
  });
});
