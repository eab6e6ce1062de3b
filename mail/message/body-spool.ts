/**
 * Holds a message body while its hash is computed, so that it can be written
 * out after the header fields that depend on that hash (the signer's
 * X-XMPP-Hash and the verifier's Authentication-Results both go on top).
 * Small bodies stay in memory; past SPOOL_THRESHOLD the body goes to a
 * private temporary file, so memory stays bounded for any message size.
 *
 * References: RFC 6376 §3.4.4 (the body hash computed while reading).
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBodyHasher } from "../../signature/index.js";

// 16 MB: the mail tools handle one message per process, and a 10 MB message
// written to disk and read back cost five times its hashing.
export const SPOOL_THRESHOLD = 16 * 1024 * 1024;

export interface SpooledBody {
  bodyHash: string;
  size: number;
  /** The body bytes again, from memory or from the spool file. */
  replay(): AsyncIterable<Buffer>;
  /** Deletes the spool file; call it in a finally. */
  dispose(): Promise<void>;
}

export async function spoolBody(body: AsyncIterable<Buffer>, threshold = SPOOL_THRESHOLD): Promise<SpooledBody> {
  const hasher = createBodyHasher();
  const memory: Buffer[] = [];
  let size = 0;
  let dir: string | undefined;
  let file: FileHandle | undefined;
  try {
    for await (const chunk of body) {
      hasher.update(chunk);
      size += chunk.length;
      if (!file && size > threshold) {
        // mkdtemp makes a 0700 directory, so no other user can read the mail.
        dir = await mkdtemp(join(tmpdir(), "xsmtp-body-"));
        file = await open(join(dir, "body"), "wx", 0o600);
        for (const held of memory.splice(0)) await file.write(held);
      }
      if (file) await file.write(chunk);
      else memory.push(chunk);
    }
    await file?.close();
  } catch (err) {
    await file?.close().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const path = dir ? join(dir, "body") : undefined;
  return {
    bodyHash: hasher.digest(),
    size,
    replay: () => (path ? createReadStream(path, { highWaterMark: 256 * 1024 }) : fromMemory(memory)),
    dispose: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function* fromMemory(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** The body hash alone, when the body need not be written out again. */
export async function hashBody(body: AsyncIterable<Buffer>): Promise<string> {
  const hasher = createBodyHasher();
  for await (const chunk of body) hasher.update(chunk);
  return hasher.digest();
}
