/**
 * The /metrics endpoint of a service attached to a real Prosody, scraped
 * over real HTTP on a free loopback port: the connection state follows the
 * stream, and the port closes with the service. And `xsmtp run` with an
 * XSMTP_METRICS address that is taken stops with a message naming it.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../devtools/servers/free-port.js";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { startXsmtp } from "../../../devtools/xsmtp-process.js";
import { xml } from "@xmpp/client";
import { closeClient, connectClient } from "../../../devtools/xmpp-client.js";
import { aliceMessage, sign } from "../../../devtools/load/signed-message.js";
import { verifyRequest } from "../../../protocol/verify-request.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";

const SECRET = "component-secret-for-tests";

async function scrape(address: string): Promise<{ status: number; type: string | null; lines: string[] }> {
  const res = await fetch(`http://${address}/metrics`);
  return { status: res.status, type: res.headers.get("content-type"), lines: (await res.text()).split("\n") };
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("metrics on Prosody", () => {
  let prosody: ProsodyInstance;
  let svc: TestService;
  let address: string;

  before(async () => {
    prosody = await startProsody({ componentSecret: SECRET });
    address = `127.0.0.1:${await freePort()}`;
    svc = await startTestService(prosody.componentPort, SECRET, { XSMTP_METRICS: address });
    assert.equal(await svc.service.metrics.listening, address);
  });
  after(async () => {
    await svc?.stop();
    await prosody?.stop();
  });

  it("a service online answers GET /metrics: connected, database up, process series", async () => {
    const { status, type, lines } = await scrape(address);
    assert.equal(status, 200);
    assert.match(type ?? "", /^text\/plain; version=0\.0\.4/);
    assert.ok(lines.includes("xsmtp_xmpp_connected 1"), lines.join("\n"));
    assert.ok(lines.includes("xsmtp_database_up 1"));
    assert.ok(lines.some((l) => l.startsWith("process_resident_memory_bytes ")));
    assert.ok(lines.includes("# TYPE xsmtp_verifications_total counter"));
  });

  it("a verification is counted by result and reason, and the write queues are shown", async () => {
    await prosody.register("bob", "other.org", "bobpass");
    const bob = await connectClient({ port: prosody.c2sPort, domain: "other.org", username: "bob", password: "bobpass" });
    try {
      // Signed for an identity this service has not enrolled: permerror identity-unknown.
      const { signature, sent } = sign(aliceMessage(), { keyId: "laptop", secret: Buffer.alloc(32, 1), t: Math.floor(Date.now() / 1000) });
      const reply = await bob.iqCaller.request(xml("iq", { type: "get", to: "xsmtp.example.org" }, verifyRequest(signature, sent)));
      assert.equal(reply.getChild("verification", "urn:xmpp:xsmtp:0")?.attrs.reason, "identity-unknown");
    } finally {
      await closeClient(bob);
    }
    const { lines } = await scrape(address);
    assert.ok(lines.includes('xsmtp_verifications_total{result="permerror",reason="identity-unknown"} 1'), lines.filter((l) => l.includes("verif")).join("\n"));
    assert.ok(lines.includes('xsmtp_verification_duration_seconds_count{result="permerror"} 1') || lines.some((l) => l.startsWith("xsmtp_verification_duration_seconds_count")));
    for (const queue of ["group_commit", "deferred"]) assert.ok(lines.some((l) => l.startsWith(`xsmtp_queue_depth{queue="${queue}"} `)), queue);
  });

  it("the connection gauge drops to 0 while the server is away, and the port closes with the service", async () => {
    await prosody.stop();
    await eventually(async () => (await scrape(address)).lines.includes("xsmtp_xmpp_connected 0"), "xsmtp_xmpp_connected 0");
    await svc.stop();
    await assert.rejects(fetch(`http://${address}/metrics`));
  });

  it("xsmtp run with XSMTP_METRICS on a taken port exits 1 naming the setting", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const proc = startXsmtp(["run"], { ...svc.env, XSMTP_METRICS: `127.0.0.1:${port}` });
      assert.equal(await proc.exited, 1);
      assert.match(proc.output(), /XSMTP_METRICS: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
