/**
 * Reads a message from a stream only as far as the end of its header block,
 * and hands the rest on as a stream of body chunks, so that a 50 MB message
 * is never held in memory. The header fields themselves are split by the
 * signature core's splitMessage (the same code the tests check against
 * mailauth), so signer and verifier read headers exactly alike.
 *
 * References: RFC 5322 §2.1 (header, empty line, body), §2.1.1 (line length);
 * PROTOCOL.md §3.2 (linear time).
 */
import { splitMessage, type SplitMessage } from "../../signature/index.js";

export interface MessageStream {
  /** The header block including the empty line that ends it (if there is one). */
  head: Buffer;
  split: SplitMessage;
  /** The body bytes, in order, as they arrive. */
  body: AsyncIterable<Buffer>;
}

/** A header block larger than this is refused: no real mail has one, and memory must stay bounded. */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export class MessageTooLargeHeaderError extends Error {}

/**
 * Chunks are kept in a list and joined once: joining on every chunk copied
 * the block so far each time, quadratic when a large header block arrives in
 * small pieces (PROTOCOL.md §3.2). Each chunk is searched for the empty line
 * once, together with the two bytes before it, which is all headerEnd needs
 * to recognize a line start and a CRLF split across chunks.
 */
export async function readHeaderBlock(input: AsyncIterable<Buffer | string>, maxBytes = MAX_HEADER_BYTES): Promise<MessageStream> {
  const iterator = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let total = 0;
  let end = -1;
  while (total <= maxBytes) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    if (chunk.length === 0) continue;
    const carried = Math.min(2, total);
    const window = carried > 0 ? Buffer.concat([tailOf(chunks, carried), chunk]) : chunk;
    chunks.push(chunk);
    total += chunk.length;
    // With two carried bytes, the first is only context: it was searched before.
    const found = headerEnd(window, carried === 2 ? 1 : 0);
    if (found >= 0) {
      end = total - window.length + found;
      break;
    }
  }
  if (end < 0 && total > maxBytes) throw new MessageTooLargeHeaderError(`the header block exceeds ${maxBytes} bytes`);
  const acc = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  // No empty line at all: the whole message is header (a message without body).
  const head = end >= 0 ? acc.subarray(0, end) : acc;
  const rest = end >= 0 ? acc.subarray(end) : Buffer.alloc(0);
  async function* body(): AsyncGenerator<Buffer> {
    if (rest.length > 0) yield rest;
    if (end < 0) return;
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) {
      yield typeof n.value === "string" ? Buffer.from(n.value) : n.value;
    }
  }
  return { head, split: splitMessage(head), body: body() };
}

/** The last `count` bytes held in chunks (count ≤ 2, so at most two chunks are looked at). */
function tailOf(chunks: Buffer[], count: number): Buffer {
  const bytes: number[] = [];
  for (let c = chunks.length - 1; c >= 0 && bytes.length < count; c--) {
    const chunk = chunks[c]!;
    for (let i = chunk.length - 1; i >= 0 && bytes.length < count; i--) bytes.unshift(chunk[i]!);
  }
  return Buffer.from(bytes);
}

/**
 * The offset just past the empty line that ends the header block, or -1.
 * An empty line is LF or CRLF at the start of the message or right after an LF.
 */
export function headerEnd(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const atLineStart = i === 0 || buf[i - 1] === 0x0a;
    if (!atLineStart) continue;
    if (buf[i] === 0x0a) return i + 1;
    if (buf[i] === 0x0d && i + 1 < buf.length && buf[i + 1] === 0x0a) return i + 2;
  }
  return -1;
}
