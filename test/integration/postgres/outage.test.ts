/**
 * PostgreSQL down and back under a running service (issue 14): while the
 * server is gone every verify IQ is answered, with temperror service-busy,
 * and nothing crashes; once it is back the same request passes again
 * without restarting the service (the pool reconnects by itself).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { isPostgresUnavailable } from "../../../component/store/postgres-sql.js";
import { openPostgresStore } from "../../../component/store/postgres-store.js";
import { aliceMessage, sign, verifyIq } from "../../../devtools/load/signed-message.js";
import { startPostgres, type PrivatePostgres } from "../../../devtools/servers/postgres.js";
import { insertKnownKey } from "../../support/keys.js";
import { startHarness, TEST_CLOCK_START, type Harness } from "../../support/stanza-harness.js";

const SECRET = Buffer.alloc(32, 9);

describe("PostgreSQL restarted under a running service", () => {
  let pg: PrivatePostgres;
  let url: string;
  let h: Harness;
  let n = 0;
  const ask = async (signature: string, sent: { name: string; value: string }[]) => {
    const id = `v${++n}`;
    const reply = await h.request(verifyIq(id, signature, sent), 15_000);
    assert.ok(reply, `no answer to ${id}`);
    return reply.getChild("verification", "urn:xmpp:xsmtp:0")?.attrs;
  };

  before(async () => {
    pg = await startPostgres();
    url = await pg.createDatabase("outage");
    const store = await openPostgresStore(url);
    h = await startHarness({ XSMTP_VERIFY_RATE: "100000" }, store);
    await insertKnownKey(store, h.masterKey, "alice@example.org", "laptop", SECRET, TEST_CLOCK_START - 86_400_000);
  });
  after(async () => {
    await h.stop();
    await pg.stop();
  });

  it("answers temperror service-busy while the server is killed, and pass again once it is back", async () => {
    const message = (i: number) => sign(aliceMessage({ "Message-ID": `<m${i}@example.org>` }), { keyId: "laptop", secret: SECRET, t: TEST_CLOCK_START / 1000 });
    const first = message(1);
    assert.equal((await ask(first.signature, first.sent))?.result, "pass");

    pg.kill();
    // A verification needs the store (the identity generation, the seen record): it must say so, not hang or crash.
    // One at a time: the harness waits for one reply at a time.
    for (const i of [2, 3, 4]) {
      const m = message(i);
      const attrs = await ask(m.signature, m.sent);
      assert.deepEqual({ result: attrs?.result, reason: attrs?.reason }, { result: "temperror", reason: "service-busy" });
    }

    await pg.start();
    const back = message(5);
    const deadline = Date.now() + 15_000;
    let attrs = await ask(back.signature, back.sent);
    // The pool may hand out a connection that died with the server once more; the next request gets a fresh one.
    while (attrs?.result !== "pass" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      attrs = await ask(back.signature, back.sent);
    }
    assert.equal(attrs?.result, "pass");
  });

  it("a connection lost between two statements of a transaction fails the transaction as unavailable, and the process lives on", async () => {
    const store = await openPostgresStore(url);
    try {
      const broken = store.sql.transaction(async (tx) => {
        await tx.query("SELECT 1");
        pg.kill();
        // The connection's end arrives while no statement of ours runs: node-postgres emits it as an 'error' event.
        await sleep(500);
        await tx.query("SELECT 1");
      });
      await assert.rejects(broken, (err: Error) => isPostgresUnavailable(err));
    } finally {
      await pg.start();
      await store.close();
    }
  });
});
