import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodePacket, MilterPacketDecoder, type MilterPacket } from "../../../../mail/milter/milter-codec.js";
import { CONNECT_IPV4, frame, OPTNEG, postfixConnection } from "../../../support/milter-postfix-bytes.js";

function decodeAll(chunks: Buffer[], max?: number): MilterPacket[] {
  const decoder = new MilterPacketDecoder(max);
  const packets: MilterPacket[] = [];
  for (const chunk of chunks) {
    const result = decoder.push(chunk);
    assert.ok(typeof result !== "string", typeof result === "string" ? result : "");
    packets.push(...result);
  }
  assert.equal(decoder.pendingBytes, 0);
  return packets;
}

describe("milter packet decoder", () => {
  it("reads Postfix's OPTNEG: letter O and 12 bytes of version, actions, protocol", () => {
    const [packet] = decodeAll([OPTNEG]);
    assert.equal(packet.code, "O");
    assert.equal(packet.data.toString("hex"), "00000006000001ff001fffff");
  });

  it("gives the same packets however a whole connection is cut into two chunks", () => {
    const bytes = postfixConnection();
    const whole = decodeAll([bytes]);
    assert.equal(whole.length, 40);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const split = decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(split, whole, `cut at ${cut}`);
    }
  });

  it("decodes a packet delivered one byte at a time, and several packets in one chunk", () => {
    const bytes = Buffer.concat([OPTNEG, CONNECT_IPV4]);
    const bytewise = decodeAll([...bytes].map((byte) => Buffer.from([byte])));
    assert.deepEqual(bytewise.map((p) => p.code), ["O", "C"]);
    assert.deepEqual(decodeAll([bytes]), bytewise);
  });

  it("takes a full 65,535-byte body chunk, Postfix's largest", () => {
    const [packet] = decodeAll([frame("B", Buffer.alloc(65535, 0x61))]);
    assert.equal(packet.data.length, 65535);
  });

  it("reports an oversized packet from its length alone, before the data arrives", () => {
    const decoder = new MilterPacketDecoder(1000);
    const result = decoder.push(Buffer.from([0, 0, 0x03, 0xe9]));
    assert.equal(typeof result, "string");
    assert.match(typeof result === "string" ? result : "", /1001 bytes exceeds the limit of 1000/);
    assert.equal(typeof decoder.push(OPTNEG), "string", "the connection stays failed");
  });

  it("reports a zero length, which has no command byte", () => {
    const result = new MilterPacketDecoder().push(Buffer.from([0, 0, 0, 0, 0x4f]));
    assert.equal(typeof result, "string");
  });

  it("keeps a truncated packet pending instead of inventing one", () => {
    const decoder = new MilterPacketDecoder();
    const result = decoder.push(OPTNEG.subarray(0, 10));
    assert.deepEqual(result, []);
    assert.equal(decoder.pendingBytes, 10);
  });

  it("decodes packets queued behind an oversized one only up to the bad one", () => {
    const decoder = new MilterPacketDecoder(100);
    const result = decoder.push(Buffer.concat([OPTNEG, frame("B", Buffer.alloc(200))]));
    assert.equal(typeof result, "string");
  });
});

describe("milter packet encoder", () => {
  it("frames length, letter and data", () => {
    assert.equal(encodePacket("c").toString("hex"), "0000000163");
    assert.equal(encodePacket("y", Buffer.from("451 4.7.1 x\0")).toString("hex"), "0000000d79" + Buffer.from("451 4.7.1 x\0").toString("hex"));
  });

  it("round-trips through the decoder", () => {
    const data = Buffer.from("Subject\0 hi\0");
    assert.deepEqual(decodeAll([encodePacket("L", data)]), [{ code: "L", data }]);
  });
});
