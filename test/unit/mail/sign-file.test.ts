/**
 * `xsmtp sign < file` reads the file twice instead of spooling it
 * (sign-file.ts): its output must be signStream's, byte for byte, for every
 * fixture, from wherever the file offset stands, and past one read's size.
 */
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { describe, it } from "node:test";
import { isRegularFile, signFile } from "../../../mail/sign/sign-file.js";
import { signStream } from "../../../mail/sign/sign-stream.js";

const FIXTURES = new URL("../../../../test/fixtures/mail/", import.meta.url);
const options = { jid: "alice@example.org", keyId: "k1", secret: Buffer.alloc(32, 7), now: () => 1_700_000_000_000 };

function collector(): { out: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, done) => void (parts.push(Buffer.from(chunk)), done()) });
  return { out, bytes: () => Buffer.concat(parts) };
}

async function viaStream(message: Buffer): Promise<Buffer> {
  const { out, bytes } = collector();
  await signStream(Readable.from([message]), out, options);
  return bytes();
}

/** signFile on `prefix + message`, with the file offset left just past the prefix. */
async function viaFile(message: Buffer, prefix = Buffer.alloc(0)): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-sign-file-"));
  const path = join(dir, "m.eml");
  writeFileSync(path, Buffer.concat([prefix, message]));
  const fd = openSync(path, "r");
  try {
    if (prefix.length > 0) readSync(fd, Buffer.alloc(prefix.length), 0, prefix.length, null);
    assert.ok(isRegularFile(fd));
    const { out, bytes } = collector();
    await signFile(fd, out, options);
    return bytes();
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("signFile", () => {
  for (const name of readdirSync(FIXTURES)) {
    it(`${name}: the same bytes as signStream, also from a file offset past a prefix`, async () => {
      const message = readFileSync(new URL(name, FIXTURES));
      let expected: Buffer;
      try {
        expected = await viaStream(message);
      } catch (err) {
        await assert.rejects(viaFile(message), { name: (err as Error).name, message: (err as Error).message });
        return;
      }
      assert.ok((await viaFile(message)).equals(expected));
      assert.ok((await viaFile(message, Buffer.from("From somebody else\n"))).equals(expected));
    });
  }

  it("a body of several reads, with a non-canonical stretch, is signed like signStream does", async () => {
    const head = "From: <alice@example.org>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m@example.org>\r\n\r\n";
    const body = "plain line of text\r\n".repeat(120_000) + "tab\there  two  spaces \r\n\r\n\r\n" + "more\r\n".repeat(1000);
    const message = Buffer.from(head + body);
    assert.ok((await viaFile(message)).equals(await viaStream(message)));
  });

  it("a pipe is not a regular file", () => {
    assert.equal(isRegularFile(-1), false);
  });
});
