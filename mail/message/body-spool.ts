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

/** Spooled bytes held in memory until they are written out together. */
const SPOOL_WRITE = 1024 * 1024;

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
  let held = 0;
  let dir: string | undefined;
  let file: FileHandle | undefined;
  try {
    for await (const chunk of body) {
      hasher.update(chunk);
      size += chunk.length;
      memory.push(chunk);
      held += chunk.length;
      if (!file && size > threshold) {
        // mkdtemp makes a 0700 directory, so no other user can read the mail.
        dir = await mkdtemp(join(tmpdir(), "xsmtp-body-"));
        file = await open(join(dir, "body"), "wx", 0o600);
      }
      // Once spooling, chunks go out SPOOL_WRITE bytes at a time, one writev
      // each: a write per 64 KB chunk was a thread-pool round trip per chunk.
      if (file && held >= SPOOL_WRITE) held = await flush(file, memory);
    }
    if (file) await flush(file, memory);
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
    replay: () => (path ? createReadStream(path, { highWaterMark: SPOOL_WRITE }) : fromMemory(memory)),
    dispose: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes out and forgets the held chunks; returns the bytes still held (none). */
async function flush(file: FileHandle, memory: Buffer[]): Promise<number> {
  let rest = memory.splice(0);
  // writev may write less than asked (as write may): what is left goes again.
  while (rest.length > 0) {
    let { bytesWritten } = await file.writev(rest);
    let i = 0;
    while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = rest.slice(i);
    if (rest.length > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
  return 0;
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
