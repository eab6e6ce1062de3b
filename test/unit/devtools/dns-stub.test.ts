// The federated Prosody tests rely on this stub answering libunbound at once.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { describe, it } from "node:test";
import { nxdomain, startDnsStub } from "../../../devtools/servers/dns-stub.js";

/** A query for SRV _xmpp-server._tcp.example.org with an EDNS OPT record, as libunbound sends. */
function srvQuery(id: number): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
  const name = Buffer.concat(["_xmpp-server", "_tcp", "example", "org"].map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])));
  const question = Buffer.concat([name, Buffer.from([0, 0, 33, 0, 1])]);
  const opt = Buffer.from([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, question, opt]);
}

describe("DNS stub", () => {
  it("answers NXDOMAIN with the query's id and question only", () => {
    const query = srvQuery(0x1234);
    const reply = nxdomain(query)!;
    assert.equal(reply.readUInt16BE(0), 0x1234);
    assert.equal(reply.readUInt16BE(2), 0x8183);
    assert.deepEqual([4, 6, 8, 10].map((o) => reply.readUInt16BE(o)), [1, 0, 0, 0]);
    assert.equal(reply.length, query.length - 11, "the OPT record is dropped");
    assert.ok(reply.subarray(12).equals(query.subarray(12, query.length - 11)));
    assert.equal(nxdomain(Buffer.alloc(5)), undefined);
  });

  it("replies over UDP on 127.0.0.1", async () => {
    const stub = await startDnsStub();
    const client = createSocket("udp4");
    try {
      client.send(srvQuery(7), stub.port, "127.0.0.1");
      const [msg] = (await once(client, "message", { signal: AbortSignal.timeout(2000) })) as [Buffer];
      assert.equal(msg.readUInt16BE(0), 7);
      assert.equal(msg[3]! & 0x0f, 3);
      assert.equal(stub.queries(), 1);
    } finally {
      client.close();
      await stub.close();
    }
  });
});
