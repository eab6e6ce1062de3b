// References: PROTOCOL.md §3 (secrets), RFC 4648 §5 (base64url, unpadded).
import { randomBytes } from "node:crypto";

export const SECRET_BYTES = 32;
const ENCODED = /^[A-Za-z0-9_-]{43}$/;

export function generateSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The 43-character form people copy into signer configuration. */
export function encodeSecret(secret: Buffer): string {
  return secret.toString("base64url");
}

/**
 * Strict decoding: Node's base64url decoder skips characters it does not
 * know, so a mistyped secret would silently become another key. Only the
 * exact 43-character form is accepted; 43 chars carry 258 bits, so the last
 * char must have its two spare bits zero, which the round trip checks.
 */
export function decodeSecret(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!ENCODED.test(trimmed)) return null;
  const secret = Buffer.from(trimmed, "base64url");
  if (secret.length !== SECRET_BYTES || encodeSecret(secret) !== trimmed) return null;
  return secret;
}
