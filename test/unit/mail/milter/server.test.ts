import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as encode from "../../../../mail/milter/milter-responses.js";
import { parseMilterAddress, startMilterServer, type MilterServer, type MilterServerEvent } from "../../../../mail/milter/milter-server.js";
import * as bytes from "../../../support/milter-postfix-bytes.js";

const OPTNEG_REPLY = encode.encodeOptionReply({ version: 6, actions: 0x31, protocol: 0x18d3c2 });
const HANDSHAKE = Buffer.concat([bytes.OPTNEG, bytes.MACRO_CONNECT, bytes.CONNECT_IPV4]);

/**
 * Sends bytes like Postfix and collects everything until the server closes or `until` bytes arrived.
 * A number among the parts waits until that many bytes have arrived in all before sending on, as
 * Postfix reads the reply to a command that has one (e.g. OPTNEG) before it sends the next.
 */
function converse(open: () => Socket, input: Array<Buffer | number>, until?: number): Promise<{ received: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = open();
    const received: Buffer[] = [];
    let length = 0;
    let waiting: { bytes: number; go: () => void } | undefined;
    const finish = (closedByServer: boolean) => resolve({ received: Buffer.concat(received), closedByServer });
    socket.on("data", (chunk) => {
      received.push(chunk);
      length += chunk.length;
      if (waiting && length >= waiting.bytes) waiting.go();
      if (until !== undefined && length >= until) (socket.destroy(), finish(false));
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => {
      waiting?.go(); // nothing more will come: send no further part
      finish(true);
    });
    socket.on("error", reject);
    socket.on("connect", async () => {
      for (const part of input) {
        if (socket.destroyed) return;
        if (typeof part === "number") {
          if (length < part) await new Promise<void>((go) => (waiting = { bytes: part, go }));
          waiting = undefined;
          continue;
        }
        socket.write(part);
        await new Promise((r) => setTimeout(r, 2));
      }
    });
  });
}

describe("milter server over TCP", () => {
  let server: MilterServer;
  const events: MilterServerEvent[] = [];
  const open = () => connect(server.port!, "127.0.0.1");
  before(async () => {
    server = await startMilterServer({
      address: { kind: "inet", host: "127.0.0.1", port: 0 },
      maxPacket: 70_000,
      policy: { endOfMessage: async (m) => ({ actions: [{ type: "insertHeader", index: 0, name: "X-Seen", value: m.macro("i") ?? "?" }], verdict: { type: "continue" } }) },
      onEvent: (event) => events.push(event),
    });
  });
  after(() => server.close());

  it("answers a whole Postfix connection sent in odd-sized pieces, then closes on QUIT", async () => {
    const all = bytes.postfixConnection();
    const pieces = [all.subarray(0, 3), all.subarray(3, 100), all.subarray(100, 101), all.subarray(101)];
    const { received, closedByServer } = await converse(open, pieces);
    const seen = (id: string) => Buffer.concat([encode.encodeInsertHeader(0, "X-Seen", ` ${id}`), encode.encodeContinue()]);
    assert.deepEqual(received, Buffer.concat([OPTNEG_REPLY, seen("4ABC1"), seen("4ABC2")]));
    assert.ok(closedByServer);
  });

  it("destroys a connection that sends an oversized packet, while another connection carries on", async () => {
    const healthy = converse(open, [HANDSHAKE, bytes.postfixMessage("OK1", "s")], OPTNEG_REPLY.length + 1);
    // The bad length goes only after the OPTNEG reply: sent 2 ms apart, both could arrive in one read
    // on a busy machine, and the server drops the whole read unanswered (the connection is dead anyway).
    const bad = await converse(open, [bytes.OPTNEG, OPTNEG_REPLY.length, Buffer.from([0, 2, 0, 0, 0x42])]);
    assert.deepEqual(bad.received, OPTNEG_REPLY);
    assert.ok(bad.closedByServer);
    const good = await healthy;
    assert.deepEqual(good.received.subarray(0, OPTNEG_REPLY.length), OPTNEG_REPLY);
    assert.ok(events.some((e) => e.type === "protocolError" && /exceeds the limit/.test(e.error)));
  });

  it("destroys a connection on an unknown command or a malformed payload", async () => {
    for (const wrong of [bytes.frame("Z"), bytes.frame("L", "no-terminator")]) {
      const { received, closedByServer } = await converse(open, [bytes.OPTNEG, OPTNEG_REPLY.length, wrong]);
      assert.deepEqual(received, OPTNEG_REPLY);
      assert.ok(closedByServer);
    }
  });

  it("survives a client that disconnects mid-packet", async () => {
    const socket = open();
    await new Promise((r) => socket.on("connect", r));
    socket.end(bytes.OPTNEG.subarray(0, 7));
    await new Promise((r) => socket.on("close", r));
    const { received } = await converse(open, [bytes.OPTNEG], OPTNEG_REPLY.length);
    assert.deepEqual(received, OPTNEG_REPLY);
  });
});

describe("milter server over a unix socket", () => {
  it("listens on the path with a mode Postfix's user can use, and replaces a stale socket", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xsmtp-milter-"));
    const path = join(dir, "milter.sock");
    try {
      const options = { address: { kind: "unix" as const, path }, policy: { endOfMessage: async () => ({ verdict: { type: "accept" as const } }) } };
      const first = await startMilterServer(options);
      assert.equal((await stat(path)).mode & 0o777, 0o660);
      const { received } = await converse(() => connect(path), [Buffer.concat([bytes.OPTNEG, bytes.MACRO_CONNECT, bytes.CONNECT_UNIX]), bytes.postfixMessage("U1", "s")], OPTNEG_REPLY.length + 5);
      assert.deepEqual(received, Buffer.concat([OPTNEG_REPLY, encode.encodeAccept()]));
      await first.close();
      const second = await startMilterServer(options);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("milter addresses", () => {
  it("parses inet and unix forms, and refuses the rest", () => {
    assert.deepEqual(parseMilterAddress("inet:127.0.0.1:8891"), { kind: "inet", host: "127.0.0.1", port: 8891 });
    assert.deepEqual(parseMilterAddress("inet:[::1]:8891"), { kind: "inet", host: "::1", port: 8891 });
    assert.deepEqual(parseMilterAddress("unix:/run/xsmtp/milter.sock"), { kind: "unix", path: "/run/xsmtp/milter.sock" });
    for (const bad of ["inet:8891", "inet::8891", "inet:host:99999", "unix:relative.sock", "tcp:1.2.3.4:5", "inet:host:"]) {
      assert.equal(typeof parseMilterAddress(bad), "string", bad);
    }
  });
});
