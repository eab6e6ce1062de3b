// spoolBody past its threshold: the body goes to a file in batched writes and
// comes back byte for byte, whatever the chunk sizes; below it, from memory.
import assert from "node:assert/strict";
import { it } from "node:test";
import { spoolBody } from "../../../mail/message/body-spool.js";
import { bodyHash } from "../../../signature/index.js";

async function roundTrip(body: Buffer, chunkSizes: number[], threshold: number): Promise<void> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0, k = 0; at < body.length; k++) {
      const size = chunkSizes[k % chunkSizes.length]!;
      yield body.subarray(at, at + size);
      at += size;
    }
  }
  const spooled = await spoolBody(chunks(), threshold);
  try {
    const back: Buffer[] = [];
    for await (const chunk of spooled.replay()) back.push(Buffer.from(chunk));
    assert.ok(Buffer.concat(back).equals(body));
    assert.equal(spooled.size, body.length);
    assert.equal(spooled.bodyHash, bodyHash(body));
  } finally {
    await spooled.dispose();
  }
}

const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i}\tof  text \r\n`).join(""));

it("a body past the threshold comes back from the spool file unchanged (several batched writes)", async () => {
  assert.ok(body.length > 3 * 1024 * 1024);
  await roundTrip(body, [65536], 100_000);
  await roundTrip(body, [1, 7000, 300_000, 13], 1000);
});

it("a body under the threshold comes back from memory unchanged", async () => {
  await roundTrip(body, [65536], body.length);
});
