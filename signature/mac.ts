// References: RFC 2104 (HMAC), FIPS 180-4 (SHA-256), RFC 4648 §4 (base64);
// PROTOCOL.md §3 step 5, §3.2 (linear time) and §5 (constant-time comparison).
import { createHmac, timingSafeEqual } from "node:crypto";
import { isBase64 } from "./base64.js";
import { stripFws } from "./fws.js";

const MAC_BYTES = 32;

/** base64(HMAC-SHA256(secret, signing input)); the input is hashed as UTF-8. */
export function computeMac(secret: Buffer, input: string): string {
  return macBytes(secret, input).toString("base64");
}

/**
 * Whether b is the MAC of input. The comparison takes the same time wherever
 * the first differing byte is, so the service is no timing oracle. A b that
 * is not base64 or not 32 bytes long is simply a mismatch: it comes from the
 * network and must not make the caller throw.
 */
export function macMatches(secret: Buffer, input: string, b: string): boolean {
  const text = stripFws(b);
  if (!isBase64(text)) return false;
  const given = Buffer.from(text, "base64");
  if (given.length !== MAC_BYTES) return false;
  return timingSafeEqual(given, macBytes(secret, input));
}

function macBytes(secret: Buffer, input: string): Buffer {
  return createHmac("sha256", secret).update(input, "utf8").digest();
}
