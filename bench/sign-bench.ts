/**
 * sign_mb_per_s vs sha256_mb_per_s: the `xsmtp sign` core (read the header
 * block, spool and hash the body, write the signed message) on a 10 MB
 * message, against one SHA-256 pass over the same bytes.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Readable, Writable } from "node:stream";
import { signStream } from "../mail/sign/sign-stream.js";
import { alternate } from "./rounds.js";

const MB = 1024 * 1024;

function message(bytes: number): Buffer {
  const head = "From: <u000001@example.org>\r\nTo: bob@other.org\r\nSubject: big\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big@example.org>\r\n\r\n";
  const line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
  return Buffer.from(head + line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - head.length));
}

const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });

export async function benchSign(sizeMb = 10) {
  const bytes = message(sizeMb * MB);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 64 * 1024) chunks.push(bytes.subarray(i, i + 64 * 1024));
  const options = { jid: "u000001@example.org", keyId: "k1", secret: Buffer.alloc(32, 7) };
  const mbPerS = async (op: () => Promise<void> | void) => {
    const start = performance.now();
    await op();
    return bytes.length / MB / ((performance.now() - start) / 1000);
  };
  const out = await alternate(5, {
    sign: () => mbPerS(() => signStream(Readable.from(chunks), sink(), options).then(() => undefined)),
    sha256: () => mbPerS(() => void createHash("sha256").update(bytes).digest()),
  });
  return { sign_mb_per_s: out.sign, sha256_mb_per_s: out.sha256, sign_vs_sha256: out.sign / out.sha256 };
}
