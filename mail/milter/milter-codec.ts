/**
 * Milter packet framing: a 4-byte big-endian length, then that many bytes,
 * the first being the command (or response) letter. The decoder accepts TCP
 * chunks cut anywhere and reports a bad length as a value, so the caller can
 * close that one connection.
 *
 * References: Postfix src/milter/milter8.c (vmilter8_write_cmd,
 * milter8_read_resp); libmilter comm.c (mi_rd_cmd); draft-adams-milter-protocol §3.
 */
import { DEFAULT_MAX_PACKET } from "./milter-constants.js";

export interface MilterPacket {
  /** The command or response letter, e.g. "O" or "c". */
  code: string;
  data: Buffer;
}

/** The packets completed so far, or what is wrong with the stream (a sentence, for the log). */
export type DecodeResult = MilterPacket[] | string;

const LENGTH_BYTES = 4;

export class MilterPacketDecoder {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private failure: string | undefined;

  constructor(private readonly maxPacket = DEFAULT_MAX_PACKET) {}

  /** Feeds bytes; returns every packet completed by them. After an error, every call fails. */
  push(chunk: Buffer): DecodeResult {
    if (this.failure) return this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const packets: MilterPacket[] = [];
    while (this.buffered >= LENGTH_BYTES) {
      const length = this.peekLength();
      if (length === 0) return this.fail("empty packet (length 0, no command byte)");
      if (length > this.maxPacket) return this.fail(`packet of ${length} bytes exceeds the limit of ${this.maxPacket}`);
      if (this.buffered < LENGTH_BYTES + length) break;
      const frame = this.take(LENGTH_BYTES + length);
      packets.push({ code: String.fromCharCode(frame[LENGTH_BYTES]), data: frame.subarray(LENGTH_BYTES + 1) });
    }
    return packets;
  }

  /** Bytes of a packet started but not finished (non-zero at end of stream = truncated packet). */
  get pendingBytes(): number {
    return this.buffered;
  }

  private fail(error: string): string {
    this.failure = error;
    this.chunks.length = 0;
    this.buffered = 0;
    return error;
  }

  // The length may itself be split across chunks, so read it byte by byte.
  private peekLength(): number {
    let value = 0;
    let read = 0;
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.length && read < LENGTH_BYTES; i++, read++) value = value * 256 + chunk[i];
      if (read === LENGTH_BYTES) break;
    }
    return value;
  }

  // Concatenates only the chunks needed for one frame, and drops the used
  // chunks in one splice: linear even for a packet that arrived byte by byte.
  private take(count: number): Buffer {
    const parts: Buffer[] = [];
    let needed = count;
    let used = 0;
    while (needed > 0) {
      const chunk = this.chunks[used];
      if (chunk.length <= needed) {
        parts.push(chunk);
        used++;
        needed -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, needed));
        this.chunks[used] = chunk.subarray(needed);
        needed = 0;
      }
    }
    this.chunks.splice(0, used);
    this.buffered -= count;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, count);
  }
}

/** Frames one packet: length (code + data), code, data. */
export function encodePacket(code: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const frame = Buffer.alloc(LENGTH_BYTES + 1 + data.length);
  frame.writeUInt32BE(1 + data.length, 0);
  frame.write(code, LENGTH_BYTES, "latin1");
  data.copy(frame, LENGTH_BYTES + 1);
  return frame;
}

/** NUL-terminated strings, as the protocol writes every string. */
export function nulTerminated(...values: string[]): Buffer {
  return Buffer.concat(values.flatMap((value) => [Buffer.from(value, "utf8"), Buffer.alloc(1)]));
}

export function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0, 0);
  return bytes;
}
