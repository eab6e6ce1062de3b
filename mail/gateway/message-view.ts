/**
 * The message as the milter session holds it, turned into what the signer
 * and the verifier read: a header block with CRLF line ends (Postfix joins
 * folded lines with a bare LF and, with HDR_LEADSPC, keeps each value's
 * leading space, so "Name:" + value + CRLF is the field as received), and
 * the body hash computed chunk by chunk as the body streams, so no body is
 * held in memory.
 *
 * References: Postfix src/milter/milter8.c (header values, body chunks with
 * CRLF); RFC 6376 §3.4.4 (relaxed body); PROTOCOL.md §3.
 */
import { createBodyHasher } from "../../signature/index.js";
import type { MilterHeader, MilterMessage } from "../milter/index.js";

/** The header block, CRLF lines, followed by the empty line that ends it. */
export function headerBlock(headers: readonly MilterHeader[]): Buffer {
  const lines = headers.map((h) => Buffer.concat([Buffer.from(`${h.name}:`), crlf(h.raw)]));
  return Buffer.concat([...lines.flatMap((l) => [l, CRLF]), CRLF]);
}

const CRLF = Buffer.from("\r\n");

/** A bare LF (Postfix's fold) becomes CRLF; an existing CRLF stays. */
function crlf(value: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === 0x0a && value[i - 1] !== 0x0d) out.push(0x0d);
    out.push(value[i]!);
  }
  return Buffer.from(out);
}

type Hasher = ReturnType<typeof createBodyHasher>;

/**
 * One body hash per message in progress. The session reuses its message
 * object for the next message, so the first chunk of a message (its byte
 * count equals the chunk's) starts a fresh hash, and a message that had no
 * body at all gets the empty body's hash whatever an aborted one left.
 */
export class BodyHashes {
  readonly #hashers = new WeakMap<MilterMessage, Hasher>();

  add(chunk: Buffer, message: MilterMessage): void {
    let hasher = this.#hashers.get(message);
    if (!hasher || message.bodyBytes === chunk.length) this.#hashers.set(message, (hasher = createBodyHasher()));
    hasher.update(chunk);
  }

  /** The base64 hash of the canonical body; forgets the message. */
  take(message: MilterMessage): string {
    const hasher = message.bodyBytes > 0 ? this.#hashers.get(message) : undefined;
    this.#hashers.delete(message);
    return (hasher ?? createBodyHasher()).digest();
  }
}
