/**
 * signStream for a message that is a regular file (`xsmtp sign < file`):
 * the file is read twice, once to hash the body and once to write it out,
 * instead of spooling the body (to memory, or past 16 MB to a temporary file
 * written and read back, which cost several times the hashing). Reads go
 * into a few reused buffers, so memory stays bounded and the garbage
 * collector idle whatever the size. Pipes keep signStream.
 *
 * The file must not change while it is signed: a change of size is refused
 * (the output is then incomplete and the command fails), as a filter on a
 * file being rewritten could not sign what it read anyway.
 */
import { fstatSync, readSync } from "node:fs";
import type { Writable } from "node:stream";
import { hashBody } from "../message/body-spool.js";
import { readHeaderBlock } from "../message/header-block.js";
import { writeAll } from "../message/write-out.js";
import { prepareSignature, type SignedSummary, type SignerOptions } from "./sign-stream.js";
import { requireDateAndMessageId, signableHead } from "./signable.js";

/** 1 MB reads: few system calls, and each one a whole number of SHA-256 blocks. */
const READ_SIZE = 1024 * 1024;
/** Buffers in flight to the output; each is reused once its write has completed. */
const RING = 4;

export class InputChangedError extends Error {}

export function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

export async function signFile(fd: number, output: Writable, options: SignerOptions): Promise<SignedSummary> {
  const shared = Buffer.allocUnsafe(READ_SIZE);
  // Fresh buffers until the header block is found (it keeps them), the shared one after.
  let reuse = false;
  let consumed = 0;
  async function* reads(): AsyncGenerator<Buffer> {
    for (;;) {
      const buffer = reuse ? shared : Buffer.allocUnsafe(READ_SIZE);
      // Position null: from where the file offset stands, which need not be 0.
      const n = readSync(fd, buffer, 0, READ_SIZE, null);
      if (n === 0) return;
      consumed += n;
      yield buffer.subarray(0, n);
    }
  }
  const message = await readHeaderBlock(reads());
  // Refused before the body is read, as signStream does.
  requireDateAndMessageId(signableHead(message).kept);
  reuse = true;
  const bodyHash = await hashBody(message.body);
  // The offset is now at the end: where the message started follows from what was read.
  const end = fstatSync(fd).size;
  const bodyStart = end - consumed + message.head.length;
  const signed = prepareSignature(message, bodyHash, options);
  await writeAll(output, [signed.top, signed.head], false);
  await copyRange(fd, bodyStart, end, output);
  if (fstatSync(fd).size !== end) throw new InputChangedError("the message file changed while it was signed");
  return { notes: signed.notes, fields: signed.fields };
}

/** Writes bytes [from, to) of the file, up to RING reads in flight, each reused after its write's callback. */
async function copyRange(fd: number, from: number, to: number, output: Writable): Promise<void> {
  const ring = Array.from({ length: RING }, () => Buffer.allocUnsafe(READ_SIZE));
  const written: Promise<void>[] = [];
  let failure: Error | undefined;
  const onError = (err: Error) => (failure ??= err);
  output.on("error", onError);
  try {
    for (let at = from, k = 0; at < to; k = (k + 1) % RING) {
      await written[k];
      if (failure) throw failure;
      const n = readSync(fd, ring[k]!, 0, Math.min(READ_SIZE, to - at), at);
      if (n === 0) throw new InputChangedError("the message file became shorter while it was signed");
      at += n;
      // Resolved even on error (kept in failure): an unawaited rejection would end the process.
      written[k] = new Promise((resolve) => output.write(ring[k]!.subarray(0, n), (err) => resolve(void (err && onError(err)))));
    }
    await Promise.all(written);
    if (failure) throw failure;
  } finally {
    output.off("error", onError);
  }
}
