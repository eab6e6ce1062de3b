/**
 * Turns a message's raw bytes (messages.getRaw) into what the shared
 * Verifier takes: the header block, read by the same readHeaderBlock that
 * `xsmtp verify` uses, and the relaxed body hash from the signature core.
 * The body never leaves the add-on (PROTOCOL.md §5: the verifier checks bh).
 *
 * References: PROTOCOL.md §3 (body hash), §3.1, §5; mail/README.md (xsmtp verify).
 */
import { readHeaderBlock } from "../../mail/message/header-block.js";
import { createBodyHasher } from "../../signature/index.js";

export interface MessageParts {
  head: Buffer;
  bodyHash: string;
}

export async function messageParts(raw: Uint8Array): Promise<MessageParts> {
  const message = await readHeaderBlock(once(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)));
  const hasher = createBodyHasher();
  for await (const chunk of message.body) hasher.update(chunk);
  return { head: message.head, bodyHash: hasher.digest() };
}

/** getRaw answers a File (MV3 with data_format "File") or a binary string (one char per octet). */
export async function rawBytes(raw: File | Blob | string): Promise<Uint8Array> {
  if (typeof raw !== "string") return new Uint8Array(await raw.arrayBuffer());
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i) & 0xff;
  return bytes;
}

async function* once(chunk: Buffer): AsyncGenerator<Buffer> {
  yield chunk;
}
