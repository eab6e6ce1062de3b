// Proves the test harness: each private server starts from the example config,
// users log in, the component handshake (XEP-0114 §3) behaves as recorded here,
// and the servers stop (and Prosody restarts) cleanly. Observations that the
// component's reconnect logic depends on are asserted, not just logged.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import { attachComponent, detachComponent, type ComponentAttempt } from "../../support/component-probe.js";
import { timed } from "../../support/timed.js";
import { startEjabberd, type EjabberdInstance } from "../../../devtools/servers/ejabberd.js";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { waitFor } from "../../../devtools/servers/wait.js";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";

const secret = "test-secret-with-\"quotes\"-and-\\backslash";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";

/** disco#info (XEP-0030 §3.1) to a server domain: a result with a server identity. */
async function assertServerDiscoInfo(c: Client, domain: string): Promise<void> {
  const reply = await c.iqCaller.request(xml("iq", { type: "get", to: domain }, xml("query", { xmlns: DISCO_INFO })));
  assert.equal(reply.attrs.type, "result");
  assert.equal(reply.attrs.from, domain);
  const identity = reply.getChild("query", DISCO_INFO)?.getChild("identity");
  assert.equal(identity?.attrs.category, "server");
}

async function logInAndDisco(port: number, username: string, domain: string): Promise<void> {
  const c = await connectClient({ port, domain, username, password: `${username}-password` });
  try {
    assert.equal(c.jid?.bare().toString(), `${username}@${domain}`);
    await assertServerDiscoInfo(c, domain);
  } finally {
    await closeClient(c);
  }
}

/** Lets the refused connection finish closing, so `events` shows the full sequence. */
async function settled(attempt: ComponentAttempt): Promise<string> {
  await waitFor(() => attempt.events.includes("status:disconnect"), {
    timeoutMs: 3_000,
    describe: () => `component never disconnected: ${attempt.events.join(" ")}`,
  }).catch(() => {});
  return `${attempt.outcome}${attempt.text ? ` ("${attempt.text}")` : ""}; events: ${attempt.events.join(" ")}`;
}

describe("Prosody harness", () => {
  let server: ProsodyInstance;
  before(async () => {
    server = await timed(undefined, "prosody start", () => startProsody({ componentSecret: secret }));
    await timed(undefined, "prosody register x2", async () => {
      await server.register("alice", "example.org", "alice-password");
      await server.register("bob", "other.org", "bob-password");
    });
  });
  after(async () => {
    if (server) await timed(undefined, "prosody stop", () => server.stop());
  });

  test("alice@example.org logs in and example.org answers disco#info with a server identity", async () => {
    await logInAndDisco(server.c2sPort, "alice", "example.org");
  });

  test("bob@other.org logs in on the second virtual host", async () => {
    await logInAndDisco(server.c2sPort, "bob", "other.org");
  });

  test("component handshake: right secret online, wrong secret not-authorized, second connection conflict", async (t) => {
    const first = await attachComponent({ port: server.componentPort, secret });
    const wrong = await attachComponent({ port: server.componentPort, secret: "wrong" });
    const second = await attachComponent({ port: server.componentPort, secret });
    try {
      assert.equal(first.outcome, "online");
      assert.equal(wrong.outcome, "not-authorized");
      assert.equal(second.outcome, "conflict");
      t.diagnostic(`prosody wrong secret: ${await settled(wrong)}`);
      t.diagnostic(`prosody second connection: ${await settled(second)}`);
      assert.equal(first.xmpp.status, "online", "the first component keeps its session");
    } finally {
      await Promise.all([first, wrong, second].map(detachComponent));
    }
  });

  test("after a restart, users log in again with their accounts kept", async (t) => {
    await timed(t, "prosody restart", () => server.restart());
    await logInAndDisco(server.c2sPort, "alice", "example.org");
    const component = await attachComponent({ port: server.componentPort, secret });
    await detachComponent(component);
    assert.equal(component.outcome, "online");
  });
});

describe("ejabberd harness", () => {
  let server: EjabberdInstance;
  before(async () => {
    server = await timed(undefined, "ejabberd start", () => startEjabberd({ componentSecret: secret }));
    await timed(undefined, "ejabberd register", () => server.register("alice", "example.org", "alice-password"));
  });
  after(async () => {
    if (server) await timed(undefined, "ejabberd stop (stop + stopped)", () => server.stop());
  });

  test("alice@example.org logs in and example.org answers disco#info with a server identity", async () => {
    await logInAndDisco(server.c2sPort, "alice", "example.org");
  });

  test("component handshake: right secret online, wrong secret not-authorized, second connection also online", async (t) => {
    const first = await attachComponent({ port: server.componentPort, secret });
    const wrong = await attachComponent({ port: server.componentPort, secret: "wrong" });
    const second = await attachComponent({ port: server.componentPort, secret });
    const served = new Map<ComponentAttempt, number>([[first, 0], [second, 0]]);
    for (const attempt of [first, second]) {
      attempt.xmpp.iqCallee.get("urn:xmpp:ping", "ping", () => {
        served.set(attempt, (served.get(attempt) ?? 0) + 1);
        return {};
      });
    }
    const alice = await connectClient({ port: server.c2sPort, domain: "example.org", username: "alice", password: "alice-password" });
    try {
      assert.equal(first.outcome, "online");
      assert.equal(wrong.outcome, "not-authorized");
      // ejabberd does not refuse a second connection for the same domain: it
      // routes the domain to both (see its domain_balancing option).
      assert.equal(second.outcome, "online");
      t.diagnostic(`ejabberd wrong secret: ${await settled(wrong)}`);
      for (let i = 0; i < 20; i++) {
        const reply = await alice.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
        assert.equal(reply.attrs.type, "result");
      }
      t.diagnostic(`ejabberd two components: 20 pings from one client served ${served.get(first)} by the first, ${served.get(second)} by the second`);
      assert.equal(first.xmpp.status, "online");
      assert.equal(second.xmpp.status, "online");
    } finally {
      await closeClient(alice);
      await Promise.all([first, wrong, second].map(detachComponent));
    }
  });

  test("after a restart, users log in again with their accounts kept", async (t) => {
    await timed(t, "ejabberd restart", () => server.restart());
    await logInAndDisco(server.c2sPort, "alice", "example.org");
  });
});
